using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Pms.Grpc.FtmChips;

/// <summary>
/// How many watches each user has open on this replica. A watch holds a subscription, a buffer of up to
/// <see cref="FtmChipWatchOptions.SubscriberCapacity"/> changes and a database read per change; without a bound one
/// account (or a leaked token) could open streams until the replica runs out of memory or connections, and every other
/// caller would pay. The count is per replica: a user's watches spread over N replicas may number N times the limit.
/// </summary>
public sealed class FtmChipWatchSlots(IOptions<FtmChipWatchOptions> options)
{
    private readonly ConcurrentDictionary<Guid, int> _open = new();

    /// <summary>The most watches one user may have open on this replica at once.</summary>
    public int Limit => options.Value.MaxWatchesPerUser;

    /// <summary>How many watches <paramref name="userId"/> has open here (for tests and diagnostics).</summary>
    public int OpenBy(Guid userId) => _open.TryGetValue(userId, out var count) ? count : 0;

    /// <summary>Takes one of the user's slots; null when all are taken. Dispose the slot when the watch ends.</summary>
    public IDisposable? TryTake(Guid userId)
    {
        var limit = Limit;
        while (true)
        {
            var current = OpenBy(userId);
            if (current >= limit)
            {
                return null;
            }

            var taken = current == 0 ? _open.TryAdd(userId, 1) : _open.TryUpdate(userId, current + 1, current);
            if (taken)
            {
                return new Slot(this, userId);
            }
        }
    }

    private void Release(Guid userId)
    {
        while (true)
        {
            var current = OpenBy(userId);
            if (current <= 1)
            {
                // Removes the entry only if it still holds 1, so an idle user leaves nothing behind.
                if (current == 0 || _open.TryRemove(new KeyValuePair<Guid, int>(userId, 1)))
                {
                    return;
                }
            }
            else if (_open.TryUpdate(userId, current - 1, current))
            {
                return;
            }
        }
    }

    private sealed class Slot(FtmChipWatchSlots owner, Guid userId) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(userId);
            }
        }
    }
}
