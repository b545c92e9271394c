extern alias webclient;

using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using webclient::Pms.Web.Client.Rpc;

namespace Pms.UnitTests.Portal;

/// <summary>
/// The portal's live-stream loop (WatchFtmChips on the chip list): how long it waits before each reconnect, when it
/// gives up, and that disposing it ends it. The pauses are read from the timers the loop asks for, which fire at once,
/// so nothing here depends on the clock or the machine's speed.
/// </summary>
public sealed class LiveStreamsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AStreamThatKeepsDroppingIsRetriedAfterPausesThatDoubleUpToThirtySeconds()
    {
        var time = new PauseRecorder();
        var attempts = 0;
        var reconnects = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = new LiveStreams(time, NullLogger<LiveStreams>.Instance).Follow("test", _ =>
        {
            if (Interlocked.Increment(ref attempts) == 9)
            {
                enough.TrySetResult();
            }
            return Dropping<string>();
        }, Handlers<string>(onReconnected: () => Interlocked.Increment(ref reconnects)));

        await enough.Task.WaitAsync(Patience);
        await stream.DisposeAsync();

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], time.Pauses.Take(8).Select(p => p.TotalSeconds));
        Assert.True(reconnects >= 7, $"Every connect after the first asks the page to catch up; {reconnects} of {attempts - 1} did.");
        Assert.True(stream.Completion.IsCompletedSuccessfully, "Disposing waits until the loop has ended.");
    }

    [Fact]
    public async Task AMessageResetsThePauseToOneSecond()
    {
        var time = new PauseRecorder();
        var attempts = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = new LiveStreams(time, NullLogger<LiveStreams>.Instance).Follow("test", _ =>
        {
            var attempt = Interlocked.Increment(ref attempts);
            if (attempt == 4)
            {
                enough.TrySetResult();
            }
            // The third connection delivers a message before it drops.
            return attempt == 3 ? Dropping("hello") : Dropping<string>();
        }, Handlers<string>());

        await enough.Task.WaitAsync(Patience);
        await stream.DisposeAsync();

        Assert.Equal([1, 2, 1], time.Pauses.Take(3).Select(p => p.TotalSeconds));
    }

    [Theory]
    [InlineData(StatusCode.PermissionDenied)]
    [InlineData(StatusCode.FailedPrecondition)]
    [InlineData(StatusCode.Unimplemented)]
    [InlineData(StatusCode.InvalidArgument)]
    public async Task ARefusalARetryCannotChangeEndsTheStreamAsUnavailable(StatusCode refusal)
    {
        var time = new PauseRecorder();
        var attempts = 0;
        var states = new List<LiveState>();
        var stream = new LiveStreams(time, NullLogger<LiveStreams>.Instance).Follow("test", _ =>
        {
            Interlocked.Increment(ref attempts);
            return Dropping<string>(refusal);
        }, Handlers<string>(states: states));

        await stream.Completion.WaitAsync(Patience);

        Assert.Equal(1, attempts);
        Assert.Empty(time.Pauses);
        Assert.Equal(LiveState.Unavailable, states.Last());
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task DisposingAnOpenStreamCancelsItsCall()
    {
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = new LiveStreams(new PauseRecorder(), NullLogger<LiveStreams>.Instance).Follow("test", stop =>
        {
            stop.Register(() => cancelled.TrySetResult());
            opened.TrySetResult();
            return Open<string>(stop);
        }, Handlers<string>());

        await opened.Task.WaitAsync(Patience);
        await stream.DisposeAsync().AsTask().WaitAsync(Patience);

        Assert.True(cancelled.Task.IsCompleted, "The call's token was cancelled.");
        Assert.True(stream.Completion.IsCompletedSuccessfully);
    }

    private static LiveStreamHandlers<T> Handlers<T>(Action? onReconnected = null, List<LiveState>? states = null) => new(
        OnMessage: _ => Task.CompletedTask,
        OnStateChanged: state =>
        {
            if (states is not null)
            {
                lock (states)
                {
                    states.Add(state);
                }
            }
            return Task.CompletedTask;
        },
        OnReconnected: () =>
        {
            onReconnected?.Invoke();
            return Task.CompletedTask;
        });

    // A call whose stream delivers the messages, then ends with the status (UNAVAILABLE: the connection dropped).
    private static AsyncServerStreamingCall<T> Dropping<T>(params T[] messages) => Dropping(StatusCode.Unavailable, messages);

    private static AsyncServerStreamingCall<T> Dropping<T>(StatusCode status, params T[] messages) =>
        Call(new Reader<T>(messages, new RpcException(new Status(status, "dropped")), CancellationToken.None));

    // A call whose stream stays open until the token is cancelled.
    private static AsyncServerStreamingCall<T> Open<T>(CancellationToken stop) => Call(new Reader<T>([], null, stop));

    private static AsyncServerStreamingCall<T> Call<T>(IAsyncStreamReader<T> reader) =>
        new(reader, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });

    private sealed class Reader<T>(T[] messages, RpcException? end, CancellationToken open) : IAsyncStreamReader<T>
    {
        private int _next = -1;

        public T Current => messages[_next];

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (++_next < messages.Length)
            {
                return true;
            }
            if (end is not null)
            {
                throw end;
            }
            using var both = CancellationTokenSource.CreateLinkedTokenSource(open, cancellationToken);
            await Task.Delay(Timeout.Infinite, both.Token);
            return false;
        }
    }

    /// <summary>Records the pause of every timer asked for and lets it fire at once.</summary>
    private sealed class PauseRecorder : TimeProvider
    {
        private readonly List<TimeSpan> _pauses = [];

        public IReadOnlyList<TimeSpan> Pauses
        {
            get
            {
                lock (_pauses)
                {
                    return [.. _pauses];
                }
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (_pauses)
            {
                _pauses.Add(dueTime);
            }
            return System.CreateTimer(callback, state, TimeSpan.Zero, period);
        }
    }
}
