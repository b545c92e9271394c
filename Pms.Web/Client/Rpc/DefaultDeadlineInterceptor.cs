using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Pms.Web.Client.Rpc;

/// <summary>
/// Gives every unary call that has none a deadline, so a stuck call ends in a message instead of a spinner forever.
/// Streams (WatchFtmChips) stay open as long as the page wants them: they have no deadline.
/// </summary>
public sealed class DefaultDeadlineInterceptor(TimeProvider time) : Interceptor
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        => continuation(request, context.Options.Deadline is null
            ? new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host,
                context.Options.WithDeadline(time.GetUtcNow().UtcDateTime + Timeout))
            : context);
}
