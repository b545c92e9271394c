using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Pms.Web.Client.Rpc;

/// <summary>Where a live stream is, for the page to say so.</summary>
public enum LiveState
{
    Connecting,
    On,
    Reconnecting,
    /// <summary>The server refused the stream for good (role, consent, not implemented): no retry.</summary>
    Unavailable,
}

/// <summary>What a page does with a live stream's messages and its ups and downs.</summary>
/// <param name="OnMessage">Each message, in order.</param>
/// <param name="OnStateChanged">Every change of <see cref="LiveState"/>.</param>
/// <param name="OnReconnected">After every connect but the first: the stream replays nothing, so the page catches up.</param>
public sealed record LiveStreamHandlers<T>(Func<T, Task> OnMessage, Func<LiveState, Task> OnStateChanged, Func<Task> OnReconnected);

/// <summary>
/// Keeps a server stream open for a page: reconnects after a drop with a growing pause (1 s, doubling to 30 s, back to
/// 1 s once a message arrives), stops for good on a refusal that a retry cannot change, and ends when disposed.
/// </summary>
public sealed class LiveStreams(TimeProvider time, ILogger<LiveStreams> logger)
{
    public static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);

    /// <summary>The pause before the next attempt after <paramref name="pause"/> did not help.</summary>
    public static TimeSpan NextPause(TimeSpan pause) => pause * 2 < LongestPause ? pause * 2 : LongestPause;

    /// <summary>Opens the stream (<paramref name="name"/> is for the log) and keeps it open until the result is disposed.</summary>
    public LiveStream Follow<T>(string name, Func<CancellationToken, AsyncServerStreamingCall<T>> open, LiveStreamHandlers<T> handlers)
    {
        var stop = new CancellationTokenSource();
        return new LiveStream(stop, RunAsync(name, open, handlers, stop.Token));
    }

    private async Task RunAsync<T>(string name, Func<CancellationToken, AsyncServerStreamingCall<T>> open, LiveStreamHandlers<T> handlers,
        CancellationToken stop)
    {
        // Off the caller's path: the page goes on rendering while the first connect is in flight.
        await Task.Yield();
        var pause = FirstPause;
        var connects = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var call = open(stop);
                await handlers.OnStateChanged(LiveState.On);
                if (connects++ > 0)
                {
                    await handlers.OnReconnected();
                }

                await foreach (var message in call.ResponseStream.ReadAllAsync(stop))
                {
                    pause = FirstPause;
                    await handlers.OnMessage(message);
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unimplemented or StatusCode.PermissionDenied or StatusCode.FailedPrecondition
                                              or StatusCode.InvalidArgument)
            {
                logger.LogInformation("{Stream} is not available ({Status}).", name, ex.StatusCode);
                await handlers.OnStateChanged(LiveState.Unavailable);
                return;
            }
            catch (RpcException ex)
            {
                logger.LogInformation("{Stream} ended ({Status}); reconnecting in {Pause}.", name, ex.StatusCode, pause);
            }

            await handlers.OnStateChanged(LiveState.Reconnecting);
            try
            {
                await Task.Delay(pause, time, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            pause = NextPause(pause);
        }
    }
}

/// <summary>An open live stream; disposing it closes the stream and waits until its loop has ended.</summary>
public sealed class LiveStream(CancellationTokenSource stop, Task loop) : IAsyncDisposable
{
    /// <summary>Ends when the stream was closed for good (disposed, or refused).</summary>
    public Task Completion => loop;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
    }
}
