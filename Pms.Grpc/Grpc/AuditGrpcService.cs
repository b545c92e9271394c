using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Mosip.Pms.V1;
using Pms.Grpc.Auditing;
using Pms.Grpc.Identity;

namespace Pms.Grpc.Grpc;

/// <summary>gRPC adapter for <c>mosip.pms.v1.AuditService</c>.</summary>
public sealed class AuditGrpcService(AuditQueries queries) : AuditService.AuditServiceBase
{
    [Authorize(Roles = Roles.PartnerAdmin)]
    public override async Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request, ServerCallContext context)
    {
        var page = await queries.ListAsync(new AuditQuery(request.PageSize, request.PageToken, request.OrderBy,
            request.ResourceType, request.ResourceId, request.ActorContains, request.Action), context.CancellationToken);
        return new ListAuditEventsResponse
        {
            AuditEvents = { page.Events.Select(ToMessage) },
            NextPageToken = page.NextPageToken,
            TotalSize = page.TotalSize,
        };
    }

    private static Mosip.Pms.V1.AuditEvent ToMessage(Data.Entities.AuditEvent e) => new()
    {
        EventId = e.Id.ToString(),
        OccurredAt = Timestamp.FromDateTimeOffset(e.OccurredAt),
        ActorId = e.ActorId?.ToString() ?? "",
        ActorUsername = e.ActorUsername,
        Action = e.Action,
        ResourceType = e.ResourceType,
        ResourceId = e.ResourceId,
        FromStatus = e.FromStatus ?? "",
        ToStatus = e.ToStatus ?? "",
        Comment = e.Comment ?? "",
        Outcome = e.Outcome,
        Detail = e.Detail ?? "",
    };
}
