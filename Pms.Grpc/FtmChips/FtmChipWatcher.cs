using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;

namespace Pms.Grpc.FtmChips;

/// <summary>A change as a watcher receives it: what happened, and the chip as it is now.</summary>
public sealed record FtmChipEventView(FtmChipChange Change, FtmChip Chip);

/// <summary>WatchFtmChips: a provider follows its own chips, admins and internal services every chip.</summary>
public sealed class FtmChipWatcher(PmsDbContext db, IFtmProviderGate gate, FtmChipEventHub hub, FtmChipWatchSlots slots)
{
    public async Task<FtmChipWatch> OpenAsync(CurrentUser caller, string partnerId, FtmChipStatus? status, CancellationToken cancellationToken)
    {
        Guid? partnerFilter = null;
        if (!string.IsNullOrWhiteSpace(partnerId))
        {
            if (!Guid.TryParse(partnerId.Trim(), out var parsed))
            {
                throw PmsErrors.InvalidField("partner_id", "partner_id must be a partner's id (a UUID).");
            }
            partnerFilter = parsed;
        }

        Guid? ownPartner = null;
        if (!caller.SeesEveryPartner)
        {
            ownPartner = (await gate.RequireProviderAsync(caller, cancellationToken)).Id;
        }

        var slot = slots.TryTake(caller.UserId) ?? throw PmsErrors.ResourceExhausted("TOO_MANY_WATCHES",
            $"You already have {slots.Limit} watches open; end one (close a portal tab or cancel a stream) before opening another.");
        var subscription = hub.Subscribe();
        try
        {
            await hub.WaitUntilListeningAsync(cancellationToken);
        }
        catch
        {
            subscription.Dispose();
            slot.Dispose();
            throw;
        }
        return new FtmChipWatch(subscription, slot, change =>
            (ownPartner is null || change.PartnerId == ownPartner)
            && (partnerFilter is null || change.PartnerId == partnerFilter)
            && (status is null || change.To == status), db);
    }
}
