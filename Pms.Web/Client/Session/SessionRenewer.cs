using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Pms.Web.Client.Session;

/// <summary>
/// Renews the session shortly before the access token expires (about 15 minutes after sign-in),
/// so pages never see TOKEN_EXPIRED while the user is active; and at once when the server refuses
/// the token anyway. A refused renewal closes the session, which sends the user to the sign-in page.
/// </summary>
public sealed class SessionRenewer(AuthSession session, AccountService account, TimeProvider time, ILogger<SessionRenewer> logger) : IDisposable
{
    private static readonly TimeSpan RenewAhead = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(15);

    private ITimer? _timer;
    private int _renewing;

    /// <summary>Starts watching the session; renews at once if the stored access token has already run out.</summary>
    public void Start()
    {
        session.Changed += Schedule;
        session.TokenRejected += RenewNow;
        Schedule();
    }

    private void Schedule()
    {
        _timer?.Dispose();
        _timer = null;
        if (session.Current is not { } current)
        {
            return;
        }

        var due = current.ExpiresAt - RenewAhead - time.GetUtcNow();
        ScheduleIn(due < TimeSpan.Zero ? TimeSpan.Zero : due);
    }

    private void RenewNow() => _ = RenewAsync();

    private void ScheduleIn(TimeSpan due) =>
        _timer = time.CreateTimer(_ => _ = RenewAsync(), null, due, Timeout.InfiniteTimeSpan);

    private async Task RenewAsync()
    {
        if (Interlocked.Exchange(ref _renewing, 1) == 1)
        {
            return;
        }

        try
        {
            // Success and refusal both raise AuthSession.Changed, which schedules the next round.
            await account.RenewAsync();
        }
        catch (RpcException ex)
        {
            // Unreachable server: keep the session and try again; the refresh token outlives the access token.
            logger.LogWarning("Session renewal failed ({Status}); retrying in {Delay}.", ex.StatusCode, RetryAfter);
            if (session.Current is { } current && current.RefreshTokenExpiresAt > time.GetUtcNow())
            {
                _timer?.Dispose();
                ScheduleIn(RetryAfter);
            }
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }

    public void Dispose()
    {
        session.Changed -= Schedule;
        session.TokenRejected -= RenewNow;
        _timer?.Dispose();
    }
}
