using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Data;

namespace Pms.Grpc.FtmChips;

/// <summary>An open watch: subscribed and listening, so every change committed from now on is seen.</summary>
public sealed class FtmChipWatch(IFtmChipSubscription subscription, IDisposable slot, Func<FtmChipChange, bool> visible, PmsDbContext db) : IDisposable
{
    /// <summary>The caller's changes, in the order PostgreSQL delivered them, until cancelled, cut off, or the server stops.</summary>
    public async IAsyncEnumerable<FtmChipEventView> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var change in subscription.Changes.ReadAllAsync(cancellationToken))
        {
            if (!visible(change))
            {
                continue;
            }
            var chip = await db.FtmChips.AsNoTracking().FirstOrDefaultAsync(c => c.Id == change.ChipId, cancellationToken);
            if (chip is not null)
            {
                yield return new FtmChipEventView(change, chip);
            }
        }
    }

    public void Dispose()
    {
        subscription.Dispose();
        slot.Dispose();
    }
}
