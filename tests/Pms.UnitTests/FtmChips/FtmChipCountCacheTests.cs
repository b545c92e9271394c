using System.Diagnostics;
using Microsoft.Extensions.Options;
using Pms.Grpc.FtmChips;

namespace Pms.UnitTests.FtmChips;

/// <summary>
/// A cached total_size is served only while no chip change was notified since its count started, only while the
/// listener is connected, and never after its lifetime.
/// </summary>
public sealed class FtmChipCountCacheTests
{
    private const string Key = "provider|make contains 'x'";

    [Fact]
    public void ACountIsServedAgainUntilAChipChanges()
    {
        var counts = Following(TimeSpan.FromMinutes(10));
        counts.Set(Key, 51_000, counts.Generation, Stopwatch.GetTimestamp());

        Assert.True(counts.TryGet(Key, out var cached));
        Assert.Equal(51_000, cached);
        Assert.False(counts.TryGet("another filter", out _));

        counts.Changed();
        Assert.False(counts.TryGet(Key, out _), "A notified change must make every earlier count stale.");
    }

    [Fact]
    public void ACountThatRanWhileAChipChangedIsNotKept()
    {
        var counts = Following(TimeSpan.FromMinutes(10));
        var before = counts.Generation;
        counts.Changed();
        counts.Set(Key, 7, before, Stopwatch.GetTimestamp());

        Assert.False(counts.TryGet(Key, out _), "The count may or may not include the change: it must not be cached.");
    }

    [Fact]
    public void NothingIsCachedWhileTheListenerIsDownNorKeptAcrossAReconnect()
    {
        var counts = new FtmChipCountCache(Options.Create(new FtmChipWatchOptions { TotalSizeCacheLifetime = TimeSpan.FromMinutes(10) }));
        counts.Set(Key, 3, counts.Generation, Stopwatch.GetTimestamp());
        Assert.False(counts.TryGet(Key, out _), "Not listening yet: changes would go unnoticed.");

        counts.Following(true);
        counts.Set(Key, 3, counts.Generation, Stopwatch.GetTimestamp());
        Assert.True(counts.TryGet(Key, out _));

        counts.Following(false);
        Assert.False(counts.TryGet(Key, out _), "Lost the listener: a change may have been missed.");
        counts.Following(true);
        Assert.False(counts.TryGet(Key, out _), "Reconnected: what changed while nobody listened was never notified.");
    }

    [Fact]
    public void ACountExpiresAfterItsLifetimeEvenWithoutAChange()
    {
        var counts = Following(TimeSpan.FromMinutes(1));
        counts.Set(Key, 3, counts.Generation, Stopwatch.GetTimestamp() - Stopwatch.Frequency * 61);

        Assert.False(counts.TryGet(Key, out _), "Rows written outside PMS notify nothing: the lifetime bounds how stale a count gets.");
    }

    private static FtmChipCountCache Following(TimeSpan lifetime)
    {
        var counts = new FtmChipCountCache(Options.Create(new FtmChipWatchOptions { TotalSizeCacheLifetime = lifetime }));
        counts.Following(true);
        return counts;
    }
}
