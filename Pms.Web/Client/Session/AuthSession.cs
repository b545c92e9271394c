using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;

namespace Pms.Web.Client.Session;

/// <summary>
/// The one place the portal keeps its session: in memory for the interceptor and the pages, and in the
/// tab's <c>sessionStorage</c> so a reload stays signed in while closing the tab signs out.
/// </summary>
public sealed class AuthSession(IJSRuntime js, TimeProvider time, ILogger<AuthSession> logger)
{
    private const string StorageKey = "pms.session";

    /// <summary>The session, or null when nobody is signed in. Its access token may have expired
    /// (the refresh token can still renew it); see <see cref="HasValidAccessToken"/>.</summary>
    public SessionState? Current { get; private set; }

    public bool IsSignedIn => Current is not null;

    // A token that is about to expire is treated as expired, so no call leaves with it and fails mid-flight.
    public bool HasValidAccessToken => Current is { } session && session.ExpiresAt - TimeSpan.FromSeconds(5) > time.GetUtcNow();

    /// <summary>Raised after sign-in, renewal and sign-out.</summary>
    public event Action? Changed;

    /// <summary>Raised when the server answered UNAUTHENTICATED to a call that carried the current access token
    /// (expired early, revoked): the session must be renewed or closed.</summary>
    public event Action? TokenRejected;

    /// <summary>Reports that the server refused <paramref name="accessToken"/>; ignored when the session has moved on since.</summary>
    public void ReportRejected(string accessToken)
    {
        if (Current?.AccessToken == accessToken)
        {
            TokenRejected?.Invoke();
        }
    }

    public async Task RestoreAsync()
    {
        try
        {
            var json = await js.InvokeAsync<string?>("sessionStorage.getItem", StorageKey);
            if (!string.IsNullOrEmpty(json))
            {
                Current = JsonSerializer.Deserialize(json, SessionJsonContext.Default.SessionState);
            }
        }
        catch (Exception ex) when (ex is JsonException or JSException)
        {
            logger.LogWarning(ex, "Discarding an unreadable stored session.");
            await ForgetAsync();
        }
    }

    /// <summary>Starts a session, or replaces its tokens after a renewal.</summary>
    public async Task SetAsync(SessionState session)
    {
        Current = session;
        await js.InvokeVoidAsync("sessionStorage.setItem", StorageKey, JsonSerializer.Serialize(session, SessionJsonContext.Default.SessionState));
        Changed?.Invoke();
    }

    /// <summary>Records that the partner accepted the current terms, so the portal stops asking before every page.</summary>
    public Task MarkConsentGivenAsync() =>
        Current is { ConsentRequired: true } current ? SetAsync(current with { ConsentRequired = false }) : Task.CompletedTask;

    /// <summary>Forgets the session locally (revoking it on the server is the caller's business).</summary>
    public async Task ClearAsync()
    {
        if (Current is null)
        {
            return;
        }

        Current = null;
        await ForgetAsync();
        Changed?.Invoke();
    }

    private async Task ForgetAsync()
    {
        try
        {
            await js.InvokeVoidAsync("sessionStorage.removeItem", StorageKey);
        }
        catch (JSException ex)
        {
            logger.LogWarning(ex, "Could not remove the stored session.");
        }
    }
}
