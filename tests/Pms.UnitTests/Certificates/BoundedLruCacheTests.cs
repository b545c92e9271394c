using Pms.Grpc.Infrastructure;

namespace Pms.UnitTests.Certificates;

/// <summary>The caches of signature verdicts and trust answers: bounded, and what goes first when full is what was used least recently.</summary>
public class BoundedLruCacheTests
{
    [Fact]
    public void WhenFullTheLeastRecentlyUsedEntryGoesAndTheOthersStay()
    {
        var cache = new BoundedLruCache<string, int>(3);
        cache.Set("a", 1);
        cache.Set("b", 2);
        cache.Set("c", 3);
        Assert.True(cache.TryGet("a", out _)); // "a" is now the most recently used; "b" the least

        cache.Set("d", 4);

        Assert.Equal(3, cache.Count);
        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("a", out var a) && a == 1);
        Assert.True(cache.TryGet("c", out var c) && c == 3);
        Assert.True(cache.TryGet("d", out var d) && d == 4);
    }

    [Fact]
    public void ReplacingAnEntryKeepsOneCopyWithTheNewValue()
    {
        var cache = new BoundedLruCache<string, int>(2);
        cache.Set("a", 1);
        cache.Set("a", 2);
        cache.Set("b", 3);

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet("a", out var a) && a == 2);
        cache.Remove("a");
        Assert.False(cache.TryGet("a", out _));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void ManyThreadsNeverPushItPastItsCapacity()
    {
        var cache = new BoundedLruCache<int, int>(100);
        Parallel.For(0, 20_000, i =>
        {
            cache.Set(i % 1_000, i);
            cache.TryGet((i * 7) % 1_000, out _);
        });

        Assert.Equal(100, cache.Count);
    }
}
