using System.Diagnostics;
using Microsoft.Extensions.Options;
using Pms.Grpc.Infrastructure;

namespace Pms.Grpc.FtmChips;

/// <summary>
/// ListFtmChips' recent <c>total_size</c> counts, one per caller scope and filter set, so that a first page asked again
/// does not count every match again (on a provider with 50,000 chips the count costs far more than the page).
/// <para>
/// Every chip change on any replica reaches <see cref="FtmChipEventHub"/> through <c>NOTIFY pms_ftm_chips</c>, and each
/// one makes every count taken before it stale (a generation number, not per-filter bookkeeping: a change can move a
/// chip into or out of any filter). While the hub's listener is not connected, notifications may be missed, so nothing
/// is cached then. Rows written outside PMS send no notification: <see cref="FtmChipWatchOptions.TotalSizeCacheLifetime"/>
/// bounds how long such a count can be stale, as does the moving "now" of <c>certificate_expiring_within_days</c>.
/// </para>
/// </summary>
public sealed class FtmChipCountCache(IOptions<FtmChipWatchOptions> options)
{
    private readonly BoundedLruCache<string, Entry> _entries = new(1_000);
    private long _generation;
    private volatile bool _following;

    /// <summary>Read before counting and handed to <see cref="Set"/>: a change notified in between discards the count.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(string key, out int count)
    {
        if (_following && _entries.TryGet(key, out var entry) && entry.Generation == Generation
            && Stopwatch.GetElapsedTime(entry.CountStartedAt) < options.Value.TotalSizeCacheLifetime)
        {
            count = entry.Count;
            return true;
        }

        count = 0;
        return false;
    }

    /// <param name="generation"><see cref="Generation"/> as read before the count's query started.</param>
    /// <param name="countStartedAt">A <see cref="Stopwatch"/> timestamp from before the query: the entry ages from then.</param>
    public void Set(string key, int count, long generation, long countStartedAt)
    {
        if (_following && generation == Generation)
        {
            _entries.Set(key, new Entry(count, generation, countStartedAt));
        }
    }

    /// <summary>A chip changed somewhere (a notification arrived): every count taken so far may be wrong.</summary>
    public void Changed() => Interlocked.Increment(ref _generation);

    /// <summary>
    /// The listener connected (true) or lost its connection (false). Either way counts taken before are dropped: a
    /// change committed while nobody listened was never notified.
    /// </summary>
    public void Following(bool following)
    {
        if (!following)
        {
            _following = false;
        }
        Changed();
        _entries.Clear();
        if (following)
        {
            _following = true;
        }
    }

    private readonly record struct Entry(int Count, long Generation, long CountStartedAt);
}
