using Grpc.Core;
using Grpc.Core.Interceptors;
using Pms.Web.Client.Session;

namespace Pms.Web.Client.Rpc;

/// <summary>
/// The session's access token on the portal's calls. The header is added by channel call credentials (gRPC's own
/// mechanism; the channel allows them over plain http, which the portal uses in development). What credentials cannot
/// do is see the answer, so <see cref="RejectionInterceptor"/> reports a refused token to the session, which renews or
/// closes it.
/// </summary>
public static class BearerToken
{
    /// <summary>Adds <c>authorization: Bearer &lt;access token&gt;</c> while the session holds a valid token.</summary>
    public static CallCredentials Credentials(AuthSession session) => CallCredentials.FromInterceptor((_, metadata) =>
    {
        // An expired token would turn even an anonymous call (Login) into UNAUTHENTICATED: send none.
        if (TokenToSend(session) is { } token)
        {
            metadata.Add("authorization", $"Bearer {token}");
        }

        return Task.CompletedTask;
    });

    private static string? TokenToSend(AuthSession session) => session.HasValidAccessToken ? session.Current!.AccessToken : null;

    /// <summary>
    /// Reports a unary call refused with UNAUTHENTICATED to the session, with the token it carried (read when the call
    /// starts, as the credentials do), so a refusal of a token the session has since replaced renews nothing.
    /// </summary>
    public sealed class RejectionInterceptor(AuthSession session) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            var sentToken = TokenToSend(session);
            var call = continuation(request, context);
            return sentToken is null
                ? call
                : new AsyncUnaryCall<TResponse>(ReportRejectionAsync(call.ResponseAsync, sentToken), call.ResponseHeadersAsync, call.GetStatus,
                    call.GetTrailers, call.Dispose);
        }

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
    }
}
