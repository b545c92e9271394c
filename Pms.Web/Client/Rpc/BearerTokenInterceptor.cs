using Grpc.Core;
using Grpc.Core.Interceptors;
using Pms.Web.Client.Session;

namespace Pms.Web.Client.Rpc;

/// <summary>
/// Adds <c>authorization: Bearer &lt;access token&gt;</c> to every call while the session holds a valid token.
/// An interceptor rather than CallCredentials: those are refused on a plain-http channel, which is what
/// the portal uses in development. A unary call refused with UNAUTHENTICATED is reported to the session,
/// which renews or closes it.
/// </summary>
public sealed class BearerTokenInterceptor(AuthSession session) : Interceptor
{
    private const string AuthorizationHeader = "authorization";

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var sentToken = TokenToSend(context);
        var call = continuation(request, WithToken(context, sentToken));
        if (sentToken is null)
        {
            return call;
        }

        return new AsyncUnaryCall<TResponse>(
            ReportRejectionAsync(call.ResponseAsync, sentToken), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
        => continuation(request, WithToken(context, TokenToSend(context)));

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
        => continuation(WithToken(context, TokenToSend(context)));

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
        => continuation(WithToken(context, TokenToSend(context)));

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
        => continuation(request, WithToken(context, TokenToSend(context)));

    private async Task<TResponse> ReportRejectionAsync<TResponse>(Task<TResponse> response, string sentToken)
    {
        try
        {
            return await response;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated)
        {
            session.ReportRejected(sentToken);
            throw;
        }
    }

    private string? TokenToSend<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
        // An expired token would turn even an anonymous call (Login) into UNAUTHENTICATED: send none.
        => session.HasValidAccessToken && context.Options.Headers?.Get(AuthorizationHeader) is null
            ? session.Current!.AccessToken
            : null;

    private static ClientInterceptorContext<TRequest, TResponse> WithToken<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, string? token)
        where TRequest : class
        where TResponse : class
    {
        if (token is null)
        {
            return context;
        }

        // Copy rather than add to the caller's Metadata: it may be reused for another call.
        var headers = new Metadata();
        if (context.Options.Headers is { } existing)
        {
            foreach (var entry in existing)
            {
                headers.Add(entry);
            }
        }

        headers.Add(AuthorizationHeader, $"Bearer {token}");
        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
    }
}
