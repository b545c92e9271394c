namespace Pms.Grpc.FtmChips;

public sealed class FtmChipWatchOptions
{
    /// <summary>Unread changes a watcher may fall behind by; one more and its stream ends (RESOURCE_EXHAUSTED <c>WATCH_TOO_SLOW</c>).</summary>
    public int SubscriberCapacity { get; set; } = 256;

    /// <summary>
    /// Watches one user may have open at once on one replica (<see cref="FtmChipWatchSlots"/>); one more is refused with
    /// RESOURCE_EXHAUSTED <c>TOO_MANY_WATCHES</c>. A portal tab holds one, so this leaves room for several tabs and devices.
    /// </summary>
    public int MaxWatchesPerUser { get; set; } = 8;

    /// <summary>The longest wait between attempts to reconnect the LISTEN connection.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long opening a watch waits for the listener to be connected before answering UNAVAILABLE.</summary>
    public TimeSpan OpenTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the watch over server-sent events sends a comment, so proxies do not cut a quiet stream as idle.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The longest a cached <c>total_size</c> of ListFtmChips is served (<see cref="FtmChipCountCache"/>). Changes made
    /// through PMS drop it at once on every replica; this bounds only what is written to the database by other means.
    /// </summary>
    public TimeSpan TotalSizeCacheLifetime { get; set; } = TimeSpan.FromSeconds(10);
}
