using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Mosip.Pms.V1;
using Pms.Grpc.Auditing;
using Pms.Grpc.Errors;
using Pms.Grpc.FtmChips;
using Pms.Grpc.Identity;
using Pms.Grpc.Infrastructure;
using Pms.Grpc.Services.Messages;
using Entities = Pms.Grpc.Data.Entities;

namespace Pms.Grpc.Services;

/// <summary>gRPC adapter for <c>mosip.pms.v1.FtmChipService</c>: maps messages to the chip domain and back.</summary>
public sealed class FtmChipGrpcService(FtmChipLifecycle lifecycle, FtmChipQueries queries, FtmChipWatcher watcher, SessionRegistry sessions,
    RefusedUploads refusedUploads)
    : FtmChipService.FtmChipServiceBase
{
    [Authorize(Roles = Roles.FtmProvider)]
    public override async Task<FtmChip> AddFtmChip(AddFtmChipRequest request, ServerCallContext context)
    {
        var caller = context.GetCurrentUser();
        return ToMessage(await lifecycle.AddAsync(caller, request.Make, request.Model, context.CancellationToken), caller);
    }

    [Authorize(Roles = Roles.AdminOrFtmProvider)]
    [EnableRateLimiting(RateLimitPolicies.CertificateUpload)]
    public override async Task<FtmChip> UploadFtmChipCertificate(UploadFtmChipCertificateRequest request, ServerCallContext context)
    {
        var caller = context.GetCurrentUser();
        return ToMessage(await refusedUploads.AuditRefusalAsync(caller, "FTM_CHIP_CERTIFICATE_REFUSED", "ftm_chip", request.FtmChipId,
            () => lifecycle.UploadCertificateAsync(caller, request.FtmChipId, request.CertificateData.Memory, request.Etag, context.CancellationToken),
            context.CancellationToken), caller);
    }

    [Authorize(Roles = Roles.PartnerAdmin)]
    public override async Task<FtmChip> ApproveFtmChip(ApproveFtmChipRequest request, ServerCallContext context)
    {
        var caller = context.GetCurrentUser();
        return ToMessage(await lifecycle.ApproveAsync(caller, request.FtmChipId, request.Comment, request.Etag, context.CancellationToken), caller);
    }

    [Authorize(Roles = Roles.PartnerAdmin)]
    public override async Task<FtmChip> RejectFtmChip(RejectFtmChipRequest request, ServerCallContext context)
    {
        var caller = context.GetCurrentUser();
        return ToMessage(await lifecycle.RejectAsync(caller, request.FtmChipId, request.Comment, request.Etag, context.CancellationToken), caller);
    }

    [Authorize(Roles = Roles.AdminOrFtmProvider)]
    public override async Task<FtmChip> DeactivateFtmChip(DeactivateFtmChipRequest request, ServerCallContext context)
    {
        var caller = context.GetCurrentUser();
        return ToMessage(await lifecycle.DeactivateAsync(caller, request.FtmChipId, request.Comment, request.Etag, context.CancellationToken),
            caller);
    }

    [Authorize(Roles = Roles.ChipReaders)]
    public override async Task<FtmChip> GetFtmChip(GetFtmChipRequest request, ServerCallContext context)
    {
        var caller = context.GetCurrentUser();
        return ToMessage(await queries.GetAsync(caller, request.FtmChipId, context.CancellationToken), caller);
    }

    [Authorize(Roles = Roles.ChipReaders)]
    public override async Task<ListFtmChipsResponse> ListFtmChips(ListFtmChipsRequest request, ServerCallContext context)
    {
        var caller = context.GetCurrentUser();
        var page = await queries.ListAsync(caller, new FtmChipListQuery(
            request.PageSize, request.PageToken, request.OrderBy, StatusFilter(request.Status, "status"), request.MakeContains,
            request.ModelContains, request.OrganizationContains, request.PartnerId, request.CertificateExpiringWithinDays,
            IncludeTotalSize: !request.HasIncludeTotalSize || request.IncludeTotalSize),
            context.CancellationToken);
        return new ListFtmChipsResponse
        {
            FtmChips = { page.Chips.Select(chip => ToMessage(chip, caller)) },
            NextPageToken = page.NextPageToken,
            TotalSize = page.TotalSize,
        };
    }

    [Authorize(Roles = Roles.ChipReaders)]
    public override async Task<FtmChipCertificate> GetFtmChipCertificate(GetFtmChipCertificateRequest request, ServerCallContext context)
    {
        var certificate = await queries.GetCertificateAsync(context.GetCurrentUser(), request.FtmChipId, context.CancellationToken);
        return new FtmChipCertificate { FtmChipId = certificate.ChipId.ToString() }.WithPair(certificate.Pair);
    }

    [Authorize(Roles = Roles.ChipReaders)]
    public override async Task WatchFtmChips(WatchFtmChipsRequest request, IServerStreamWriter<FtmChipEvent> responseStream, ServerCallContext context)
    {
        // The stream lives no longer than the caller's session and access token: revocation or expiry ends it.
        using var session = sessions.Follow(context.GetHttpContext().User);
        var caller = context.GetCurrentUser();
        using var live = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, session.Ended);
        try
        {
            using var watch = await watcher.OpenAsync(caller, request.PartnerId, StatusFilter(request.Status, "status"),
                live.Token);
            // Headers go out once the watch listens: a client that awaits them knows every later change reaches it.
            await context.WriteResponseHeadersAsync([]);
            await foreach (var item in watch.ReadAllAsync(live.Token))
            {
                await responseStream.WriteAsync(ToEvent(item, caller), live.Token);
            }
        }
        catch (OperationCanceledException) when (session.Ended.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw session.Refusal();
        }
    }

    /// <summary>A change as WatchFtmChips sends it; the watch over server-sent events sends the same message as JSON.</summary>
    internal static FtmChipEvent ToEvent(FtmChipEventView item, CurrentUser caller) => new()
    {
        FtmChip = ToMessage(item.Chip, caller),
        EventType = item.Change.Kind.ToApi(),
        PreviousStatus = item.Change.From is { } from ? from.ToApi() : FtmChipStatus.Unspecified,
        Actor = item.Change.Actor,
        OccurredAt = Timestamp.FromDateTimeOffset(item.Change.OccurredAt),
        EventId = item.Change.AuditEventId.ToString(),
    };

    internal static Entities.FtmChipStatus? StatusFilter(FtmChipStatus status, string field)
    {
        if (status == FtmChipStatus.Unspecified)
        {
            return null;
        }
        if (!System.Enum.IsDefined(status))
        {
            throw PmsErrors.InvalidField(field, $"{field} {(int)status} is not a chip status.");
        }
        return status.ToDomain();
    }

    private static FtmChip ToMessage(Entities.FtmChip chip, CurrentUser caller)
    {
        var actor = FtmChipStateMachine.ActorFor(caller.IsAdmin, caller.IsService, caller.PartnerId, chip.PartnerId);
        var message = new FtmChip
        {
            FtmChipId = chip.Id.ToString(),
            PartnerId = chip.PartnerId.ToString(),
            OrganizationName = chip.OrganizationName,
            Make = chip.Make,
            Model = chip.Model,
            Status = chip.Status.ToApi(),
            CertificateUploaded = chip.CertificateUploadedAt is not null,
            ReviewComment = chip.ReviewComment ?? "",
            CreatedAt = Timestamp.FromDateTimeOffset(chip.CreatedAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(chip.UpdatedAt),
            Etag = FtmChipNames.ETag(chip),
            AllowedActions = { FtmChipStateMachine.AllowedCommands(chip.Status, actor).Select(command => command.ToApi()) },
        };
        if (chip.CaSignedNotAfter is { } notAfter)
        {
            message.CertificateNotAfter = Timestamp.FromDateTimeOffset(notAfter);
        }
        return message;
    }
}
