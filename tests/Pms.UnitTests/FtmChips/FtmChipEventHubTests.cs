using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.FtmChips;

namespace Pms.UnitTests.FtmChips;

/// <summary>The fan-out behind WatchFtmChips, fed notifications as the PostgreSQL listener would feed them.</summary>
public sealed class FtmChipEventHubTests
{
    [Fact]
    public async Task EverySubscriberReceivesEveryChangeInTheOrderItArrived()
    {
        using var hub = NewHub(capacity: 16);
        using var first = hub.Subscribe();
        using var second = hub.Subscribe();
        var changes = Enumerable.Range(0, 5).Select(_ => NewChange()).ToList();
        changes.ForEach(c => hub.Dispatch(c.ToJson()));

        Assert.Equal(changes, await TakeAsync(first, 5));
        Assert.Equal(changes, await TakeAsync(second, 5));
    }

    [Fact]
    public async Task AWatcherThatStopsReadingIsCutOffWithoutHoldingUpTheOthers()
    {
        using var hub = NewHub(capacity: 4);
        using var slow = hub.Subscribe();
        using var fast = hub.Subscribe();
        for (var i = 0; i < 10; i++)
        {
            hub.Dispatch(NewChange().ToJson());
            Assert.True(fast.Changes.TryRead(out _));
        }

        // The slow one keeps what it had room for, then learns it was cut off.
        Assert.Equal(4, (await TakeAsync(slow, 4)).Count);
        var error = await Assert.ThrowsAsync<PmsException>(async () => await slow.Changes.WaitToReadAsync());
        Assert.Equal((StatusCode.ResourceExhausted, "WATCH_TOO_SLOW"), (error.StatusCode, error.Reason));
        Assert.Equal(1, hub.SubscriberCount);
    }

    [Fact]
    public void AMalformedNotificationIsIgnored()
    {
        using var hub = NewHub(capacity: 4);
        using var subscription = hub.Subscribe();
        hub.Dispatch("not json");
        hub.Dispatch("{\"unexpected\": true");
        Assert.False(subscription.Changes.TryRead(out _));
    }

    [Fact]
    public void AWatcherThatLeftReceivesNothingMore()
    {
        using var hub = NewHub(capacity: 4);
        var subscription = hub.Subscribe();
        subscription.Dispose();
        hub.Dispatch(NewChange().ToJson());
        Assert.Equal(0, hub.SubscriberCount);
        Assert.True(subscription.Changes.Completion.IsCompletedSuccessfully);
        Assert.False(subscription.Changes.TryRead(out _));
    }

    [Fact]
    public void AChangeSurvivesItsTripThroughJson()
    {
        var change = NewChange() with { From = null, Kind = FtmChipChangeKind.Created, Actor = "ftm-\"quoted\" ünïcode" };
        Assert.Equal(change, FtmChipChange.TryParse(change.ToJson()));
        Assert.True(change.ToJson().Length < 8000);
    }

    private static FtmChipEventHub NewHub(int capacity)
    {
        var options = Options.Create(new FtmChipWatchOptions { SubscriberCapacity = capacity });
        return new(new ConfigurationBuilder().Build(), options, new RunningHost(), new FtmChipCountCache(options), NullLogger<FtmChipEventHub>.Instance);
    }

    // A host that is neither starting nor stopping: these tests are about fan-out, not shutdown.
    private sealed class RunningHost : Microsoft.Extensions.Hosting.IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() { }
    }

    private static FtmChipChange NewChange() => new(Guid.NewGuid(), Guid.NewGuid(), FtmChipChangeKind.Approved, Guid.NewGuid(),
        FtmChipStatus.PendingApproval, FtmChipStatus.Approved, "admin", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    private static async Task<List<FtmChipChange>> TakeAsync(IFtmChipSubscription subscription, int count)
    {
        var taken = new List<FtmChipChange>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (taken.Count < count)
        {
            taken.Add(await subscription.Changes.ReadAsync(timeout.Token));
        }
        return taken;
    }
}
