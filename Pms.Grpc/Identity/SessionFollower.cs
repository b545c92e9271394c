using Grpc.Core;
using Pms.Grpc.Errors;

namespace Pms.Grpc.Identity;

/// <summary>A long-running call's hold on its session; dispose it when the call ends.</summary>
public sealed class SessionFollower : IDisposable
{
    private readonly SessionRegistry _registry;
    private readonly CancellationTokenSource _ended = new();
    private ITimer? _expiry;
    private int _state = (int)SessionState.Active;

    internal SessionFollower(SessionRegistry registry, long id, Guid sessionId, Guid userId)
    {
        _registry = registry;
        Id = id;
        SessionId = sessionId;
        UserId = userId;
    }

    internal long Id { get; }
    internal Guid SessionId { get; }
    internal Guid UserId { get; }

    /// <summary>Cancelled when the session is revoked or the access token expires.</summary>
    public CancellationToken Ended => _ended.Token;

    internal void EndAt(DateTimeOffset expires, TimeProvider time)
    {
        var due = expires - time.GetUtcNow();
        if (due <= TimeSpan.Zero)
        {
            End(SessionState.Expired);
            return;
        }
        _expiry = time.CreateTimer(_ => End(SessionState.Expired), null, due, Timeout.InfiniteTimeSpan);
    }

    internal void End(SessionState state)
    {
        if (Interlocked.CompareExchange(ref _state, (int)state, (int)SessionState.Active) == (int)SessionState.Active)
        {
            try
            {
                _ended.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>What the client is told when the stream ends because of its session.</summary>
    public PmsException Refusal() => (SessionState)Volatile.Read(ref _state) == SessionState.Expired
        ? PmsErrors.Unauthenticated("TOKEN_EXPIRED", "The access token has expired; refresh the session and watch again.")
        : PmsErrors.Unauthenticated("SESSION_REVOKED",
            "This session was ended (sign-out, password change or reset, or deactivation); sign in again.");

    public void Dispose()
    {
        _registry.Forget(this);
        _expiry?.Dispose();
        _ended.Dispose();
    }
}
