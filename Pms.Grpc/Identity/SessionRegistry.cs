using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Data;

namespace Pms.Grpc.Identity;

/// <summary>
/// Answers "is this session still alive?" for every authenticated call without a database round trip per call.
/// Answers are cached per session; a revocation anywhere sends <c>NOTIFY pms_sessions</c>, and every replica's
/// <see cref="SessionChangeListener"/> (this one's included) drops the cached answer and ends the session's open
/// streams. While the listener is not connected nothing is cached, so a lost notification cannot leave a revoked
/// session usable; cached answers also age out after <see cref="MaxAge"/> as a second safety net.
/// </summary>
public sealed class SessionRegistry(IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>The PostgreSQL notification channel; the payload is <c>s:&lt;session id&gt;</c> or <c>u:&lt;user id&gt;</c> (every session of a user).</summary>
    public const string Channel = "pms_sessions";

    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<Guid, CachedSession> _cache = new();
    private readonly ConcurrentDictionary<long, SessionFollower> _followers = new();
    private long _generation;
    private long _nextFollowerId;
    private volatile bool _listening;

    /// <summary>Whether answers may be cached (the change listener is connected).</summary>
    public bool Listening => _listening;

    /// <summary>How many sessions have a cached answer (for tests).</summary>
    public int CachedCount => _cache.Count;

    public async ValueTask<SessionState> CheckAsync(Guid sessionId, Guid userId, CancellationToken cancellationToken)
    {
        if (_listening && _cache.TryGetValue(sessionId, out var cached) && Environment.TickCount64 - cached.LoadedAt < MaxAge.TotalMilliseconds)
        {
            return StateOf(cached, userId);
        }

        // A revocation that lands while this load runs bumps the generation; the stale answer is then not cached.
        var generation = Interlocked.Read(ref _generation);
        CachedSession loaded;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
            var row = await db.Sessions.AsNoTracking().Where(s => s.Id == sessionId)
                .Select(s => new { s.UserId, s.ExpiresAt, s.RevokedAt })
                .FirstOrDefaultAsync(cancellationToken);
            loaded = row is null
                ? new CachedSession(Guid.Empty, DateTimeOffset.MinValue, Revoked: true, Environment.TickCount64)
                : new CachedSession(row.UserId, row.ExpiresAt, row.RevokedAt is not null, Environment.TickCount64);
        }
        if (_listening && Interlocked.Read(ref _generation) == generation)
        {
            _cache[sessionId] = loaded;
        }
        return StateOf(loaded, userId);
    }

    private SessionState StateOf(CachedSession session, Guid userId) =>
        session.Revoked || session.UserId != userId ? SessionState.Revoked
        : session.ExpiresAt <= time.GetUtcNow() ? SessionState.Expired
        : SessionState.Active;

    /// <summary>A session, or every session of a user, was revoked: forget the cached answers and end open streams.</summary>
    public void Revoked(Guid? sessionId, Guid? userId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (id, cached) in _cache)
        {
            if (id == sessionId || cached.UserId == userId)
            {
                _cache.TryRemove(id, out _);
            }
        }
        foreach (var follower in _followers.Values)
        {
            if (follower.SessionId == sessionId || follower.UserId == userId)
            {
                follower.End(SessionState.Revoked);
            }
        }
    }

    /// <summary>The listener (re)connected: whatever was missed meanwhile is forgotten, and caching may start.</summary>
    public void ListenerConnected()
    {
        Interlocked.Increment(ref _generation);
        _cache.Clear();
        _listening = true;
    }

    /// <summary>The listener lost its connection: every check goes to the database until it is back.</summary>
    public void ListenerLost()
    {
        _listening = false;
        Interlocked.Increment(ref _generation);
        _cache.Clear();
    }

    /// <summary>
    /// Follows the caller's session for a long-running call (a watch): the returned token is cancelled when the
    /// session is revoked or the access token expires; <see cref="SessionFollower.Refusal"/> then says which.
    /// </summary>
    public SessionFollower Follow(ClaimsPrincipal principal)
    {
        Guid.TryParse(principal.FindFirst(PmsClaims.SessionId)?.Value, out var sessionId);
        Guid.TryParse(principal.FindFirst(PmsClaims.Subject)?.Value, out var userId);
        var expires = long.TryParse(principal.FindFirst("exp")?.Value, out var exp)
            ? DateTimeOffset.FromUnixTimeSeconds(exp)
            : time.GetUtcNow();
        var follower = new SessionFollower(this, Interlocked.Increment(ref _nextFollowerId), sessionId, userId);
        _followers[follower.Id] = follower;
        follower.EndAt(expires, time);
        return follower;
    }

    internal void Forget(SessionFollower follower) => _followers.TryRemove(follower.Id, out _);

    private sealed record CachedSession(Guid UserId, DateTimeOffset ExpiresAt, bool Revoked, long LoadedAt);
}
