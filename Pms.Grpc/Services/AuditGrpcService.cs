using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Mosip.Pms.V1;
using Pms.Grpc.Auditing;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Identity;

namespace Pms.Grpc.Services;

/// <summary>gRPC adapter for <c>mosip.pms.v1.AuditService</c>.</summary>
public sealed class AuditGrpcService(AuditQueries queries, PmsDbContext db) : AuditService.AuditServiceBase
{
    private const int MaxUndeliveredMails = 200;

    [Authorize(Roles = Roles.PartnerAdmin)]
    public override async Task<ListUndeliveredMailsResponse> ListUndeliveredMails(ListUndeliveredMailsRequest request, ServerCallContext context)
    {
        var undelivered = db.OutboxMails.AsNoTracking().Where(m => m.Status == OutboxMailStatus.Undeliverable);
        var mails = await undelivered.OrderByDescending(m => m.Sequence).Take(MaxUndeliveredMails)
            .Select(m => new { m.Id, m.Kind, m.CreatedAt, m.CompletedAt, m.Attempts, m.LastError })
            .ToListAsync(context.CancellationToken);
        return new ListUndeliveredMailsResponse
        {
            TotalSize = await undelivered.CountAsync(context.CancellationToken),
            Mails =
            {
                mails.Select(m => new UndeliveredMail
                {
                    MailId = m.Id.ToString(),
                    Kind = m.Kind,
                    CreatedAt = Timestamp.FromDateTimeOffset(m.CreatedAt),
                    GivenUpAt = Timestamp.FromDateTimeOffset(m.CompletedAt ?? m.CreatedAt),
                    Attempts = m.Attempts,
                    LastError = m.LastError ?? "",
                }),
            },
        };
    }

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
