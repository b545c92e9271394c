using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;

namespace Pms.Grpc.FtmChips;

/// <summary>A change as a watcher receives it: what happened, and the chip as it is now.</summary>
public sealed record FtmChipEventView(FtmChipChange Change, FtmChip Chip);

/// <summary>WatchFtmChips: a provider follows its own chips, admins and internal services every chip.</summary>
public sealed class FtmChipWatcher(PmsDbContext db, IFtmProviderGate gate, FtmChipEventHub hub)
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

        var subscription = hub.Subscribe();
        try
        {
            await hub.WaitUntilListeningAsync(cancellationToken);
        }
        catch
        {
            subscription.Dispose();
            throw;
        }
        return new FtmChipWatch(subscription, change =>
            (ownPartner is null || change.PartnerId == ownPartner)
            && (partnerFilter is null || change.PartnerId == partnerFilter)
            && (status is null || change.To == status), db);
    }
}
