using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Npgsql;
using Pms.Grpc.Errors;

namespace Pms.Grpc.FtmChips;

/// <summary>
/// Fans chip changes out to this replica's watchers. One dedicated PostgreSQL connection LISTENs on
/// <see cref="FtmChipChange.Channel"/>; every replica's committed transitions arrive through it, so a watcher sees the
/// changes made on any replica. Each watcher has a bounded queue: a watcher that stops reading is cut off rather than
/// let to hold memory or slow the others. When the connection drops, watchers are ended with UNAVAILABLE (changes
/// may have been missed: they reconnect and re-list) and the listener reconnects with backoff.
/// </summary>
public sealed class FtmChipEventHub(
    IConfiguration configuration,
    IOptions<FtmChipWatchOptions> options,
    IHostApplicationLifetime lifetime,
    FtmChipCountCache counts,
    ILogger<FtmChipEventHub> logger) : BackgroundService
{
    /// <summary>The listener connection's application_name, as pg_stat_activity shows it.</summary>
    public const string ListenerApplicationName = "pms-ftm-chip-listener";

    private readonly ConcurrentDictionary<long, Subscription> _subscriptions = new();
    private readonly object _stateLock = new();
    private TaskCompletionSource _listening = NewSignal();
    private long _nextId;

    /// <summary>Watchers currently subscribed on this replica.</summary>
    public int SubscriberCount => _subscriptions.Count;

    /// <summary>A queue of every change from now on. Dispose it to unsubscribe.</summary>
    public IFtmChipSubscription Subscribe()
    {
        var subscription = new Subscription(this, Interlocked.Increment(ref _nextId), options.Value.SubscriberCapacity);
        _subscriptions[subscription.Id] = subscription;
        return subscription;
    }

    /// <summary>Completes once LISTEN is in place: changes committed after that reach subscribers.</summary>
    public async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        Task listening;
        lock (_stateLock)
        {
            listening = _listening.Task;
        }
        try
        {
            await listening.WaitAsync(options.Value.OpenTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw PmsErrors.Unavailable("EVENT_STREAM_UNAVAILABLE",
                "PMS cannot follow chip changes right now (its database listener is not connected); try again shortly.");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Open watches never end by themselves: end them as shutdown begins, with a status that says what to do, so
        // graceful shutdown is not held up until its timeout and clients move to another replica at once.
        using var stopping = lifetime.ApplicationStopping.Register(ShuttingDown);
        var delay = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Lost the chip change listener; reconnecting in {Delay}", delay);
                Interrupted();
                try
                {
                    // Infrastructure backoff: real time, not the injected clock tests move.
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxReconnectDelay.Ticks));
                continue;
            }
        }

        counts.Following(false);
        foreach (var subscription in _subscriptions.Values)
        {
            subscription.Complete(null);
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var connectionString = configuration.GetConnectionString("pmsdb")
            ?? throw new InvalidOperationException("ConnectionStrings:pmsdb is not configured.");
        // A connection of its own, outside the pool: LISTEN belongs to the session, which the pool would reset.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 15, ApplicationName = ListenerApplicationName };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        connection.Notification += (_, e) => Dispatch(e.Payload);
        await connection.OpenAsync(stoppingToken);
        await using (var listen = new NpgsqlCommand($"LISTEN {FtmChipChange.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }
        lock (_stateLock)
        {
            _listening.TrySetResult();
        }
        counts.Following(true);
        logger.LogInformation("Listening for chip changes on {Channel}", FtmChipChange.Channel);
        while (true)
        {
            await connection.WaitAsync(stoppingToken);
        }
    }

    private void ShuttingDown()
    {
        var error = PmsErrors.Unavailable("SERVER_SHUTTING_DOWN",
            "This PMS server is shutting down. Watch again (another replica answers) and call ListFtmChips to catch up.");
        foreach (var subscription in _subscriptions.Values)
        {
            subscription.Complete(error);
        }
    }

    private void Interrupted()
    {
        counts.Following(false);
        lock (_stateLock)
        {
            if (!_listening.Task.IsCompleted)
            {
                return;
            }
            _listening = NewSignal();
        }
        var error = PmsErrors.Unavailable("EVENT_STREAM_INTERRUPTED",
            "PMS lost its connection to chip changes; some may have been missed. Watch again and call ListFtmChips to catch up.");
        foreach (var subscription in _subscriptions.Values)
        {
            subscription.Complete(error);
        }
    }

    internal void Dispatch(string payload)
    {
        // Even a payload this replica cannot read says that a chip changed.
        counts.Changed();
        var change = FtmChipChange.TryParse(payload);
        if (change is null)
        {
            logger.LogWarning("Ignored a malformed notification on {Channel}", FtmChipChange.Channel);
            return;
        }
        foreach (var subscription in _subscriptions.Values)
        {
            subscription.Deliver(change);
        }
    }

    private void OnSlowSubscriber(int capacity) =>
        logger.LogWarning("A chip watcher fell {Capacity} changes behind; ending its stream", capacity);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Subscription(FtmChipEventHub hub, long id, int capacity) : IFtmChipSubscription
    {
        private readonly Channel<FtmChipChange> _channel = Channel.CreateBounded<FtmChipChange>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        public long Id { get; } = id;

        public ChannelReader<FtmChipChange> Changes => _channel.Reader;

        public void Deliver(FtmChipChange change)
        {
            if (!_channel.Writer.TryWrite(change))
            {
                hub.OnSlowSubscriber(capacity);
                Complete(PmsErrors.ResourceExhausted("WATCH_TOO_SLOW",
                    "This watch fell too far behind and was ended. Watch again and call ListFtmChips to catch up."));
            }
        }

        public void Complete(Exception? error)
        {
            hub._subscriptions.TryRemove(Id, out _);
            _channel.Writer.TryComplete(error);
        }

        public void Dispose() => Complete(null);
    }
}
