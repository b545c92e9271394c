namespace Pms.Grpc.Partners;

public static class DatabaseClock
{
    /// <summary>
    /// Now, at PostgreSQL's precision (microseconds), so a time answered right after a write equals the one read
    /// back later.
    /// </summary>
    public static DateTimeOffset GetUtcNowForDatabase(this TimeProvider time)
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % (TimeSpan.TicksPerMicrosecond)));
    }
}
