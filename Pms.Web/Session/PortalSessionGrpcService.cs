using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mosip.Pms.Portal.V1;
using Mosip.Pms.V1;

namespace Pms.Web.Session;

/// <summary>
/// The portal's sign-in, renewal and sign-out: PartnerService's Login, RefreshSession and Logout on the app's behalf,
/// with the refresh token kept in an HttpOnly cookie of this origin and never handed to script. Refusals from
/// Pms.Grpc are relayed unchanged (status, ErrorInfo, BadRequest), so the app shows the same messages as before.
/// </summary>
public sealed class PortalSessionGrpcService(PartnerService.PartnerServiceClient partners, TimeProvider time)
    : PortalSessionService.PortalSessionServiceBase
{
    /// <summary>
    /// <c>__Host-</c>: the browser only accepts it Secure, for this exact origin, on path /. Secure cookies still work
    /// over http://localhost, which browsers treat as a secure context.
    /// </summary>
    public const string CookieName = "__Host-pms-refresh";

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    public override async Task<PortalSession> SignIn(SignInRequest request, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var response = await RelayAsync(() => partners.LoginAsync(
            new LoginRequest { Username = request.Username, Password = request.Password },
            Forwarded(http), DateTime.UtcNow + CallTimeout, context.CancellationToken).ResponseAsync);
        SetCookie(http, response.RefreshToken, response.RefreshTokenExpiresAt);
        return ToSession(response);
    }

    public override async Task<PortalSession> Renew(RenewRequest request, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        if (!http.Request.Cookies.TryGetValue(CookieName, out var refreshToken) || string.IsNullOrEmpty(refreshToken))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "No session cookie: sign in again."));
        }
        RefreshSessionResponse response;
        try
        {
            response = await RelayAsync(() => partners.RefreshSessionAsync(
                new RefreshSessionRequest { RefreshToken = refreshToken },
                Forwarded(http), DateTime.UtcNow + CallTimeout, context.CancellationToken).ResponseAsync);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.FailedPrecondition or StatusCode.InvalidArgument)
        {
            // The token is spent or refused for good: keep no dead credential in the browser.
            ClearCookie(http);
            throw;
        }
        SetCookie(http, response.RefreshToken, response.RefreshTokenExpiresAt);
        // RefreshSessionResponse has LoginResponse's fields and numbers (partner_service.proto): one mapping serves both.
        return ToSession(LoginResponse.Parser.ParseFrom(response.ToByteString()));
    }

    public override async Task<Empty> SignOut(SignOutRequest request, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        if (http.Request.Cookies.TryGetValue(CookieName, out var refreshToken) && !string.IsNullOrEmpty(refreshToken))
        {
            ClearCookie(http);
            await RelayAsync(() => partners.LogoutAsync(new LogoutRequest { RefreshToken = refreshToken },
                Forwarded(http), DateTime.UtcNow + CallTimeout, context.CancellationToken).ResponseAsync);
        }
        return new Empty();
    }

    private static PortalSession ToSession(LoginResponse response) => new()
    {
        AccessToken = response.AccessToken,
        ExpiresAt = response.ExpiresAt,
        Roles = { response.Roles },
        RefreshTokenExpiresAt = response.RefreshTokenExpiresAt,
        UserId = response.UserId,
        Username = response.Username,
        PartnerId = response.PartnerId,
        ConsentRequired = response.ConsentRequired,
    };

    private void SetCookie(HttpContext http, string refreshToken, Timestamp? expiresAt) =>
        http.Response.Cookies.Append(CookieName, refreshToken, new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            IsEssential = true,
            Expires = expiresAt?.ToDateTimeOffset() ?? time.GetUtcNow().AddDays(1),
        });

    private static void ClearCookie(HttpContext http) =>
        http.Response.Cookies.Delete(CookieName, new CookieOptions { HttpOnly = true, Secure = true, SameSite = SameSiteMode.Strict, Path = "/" });

    // Pms.Grpc limits sign-in per client address: name the browser's, not this server's.
    private static Metadata Forwarded(HttpContext http) => http.Connection.RemoteIpAddress is { } address
        ? new Metadata { { "x-forwarded-for", address.ToString() } }
        : [];

    // Pms.Grpc's refusal, with its trailers (grpc-status-details-bin), becomes this call's refusal as it was.
    private static async Task<T> RelayAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
        {
            var trailers = new Metadata();
            foreach (var entry in ex.Trailers.Where(e => e.Key == "grpc-status-details-bin"))
            {
                trailers.Add(entry);
            }
            throw new RpcException(ex.Status, trailers);
        }
    }
}
