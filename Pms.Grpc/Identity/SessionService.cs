using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pms.Grpc.Auditing;
using Pms.Grpc.Configuration;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;

namespace Pms.Grpc.Identity;

/// <summary>A signed-in session as the API returns it.</summary>
public sealed record SessionTokens(
    UserAccount User,
    string AccessToken,
    DateTimeOffset AccessTokenExpiresAt,
    string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt,
    bool ConsentRequired);

/// <summary>
/// Sign-in, refresh-token rotation and sign-out. Every refusal of a password looks the same, and costs the same work
/// (a password hash, a count in <c>sign_in_attempts</c>, an audit row), whether or not the username exists. There is
/// no lockout: <see cref="SignInThrottle"/> bounds the checks per username, and the rate limiter bounds each client.
/// </summary>
public sealed class SessionService(
    PmsDbContext db,
    IPasswordHasher<UserAccount> hasher,
    TokenIssuer tokens,
    SignInThrottle throttle,
    PasswordHashGate hashGate,
    SessionRegistry registry,
    IAuditLog audit,
    IOptions<PmsOptions> options,
    TimeProvider time,
    ConsentPolicy consent)
{
    private const string InvalidCredentialsMessage = "The username or password is incorrect.";

    // Verifying against this when the user does not exist keeps both paths equally slow.
    private static readonly Lazy<string> DummyHash = new(() =>
        new PasswordHasher<UserAccount>().HashPassword(null!, Guid.NewGuid().ToString()));

    private JwtOptions Jwt => options.Value.Jwt;

    public async Task<SessionTokens> LoginAsync(string username, string password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password) || username.Length > 64 || password.Length > 256)
        {
            throw PmsErrors.Unauthenticated("INVALID_CREDENTIALS", InvalidCredentialsMessage);
        }

        var normalized = UserNames.Normalize(username);
        var (user, attempt) = await hashGate.RunAsync(() => CheckPasswordAsync(username, normalized, password, cancellationToken), cancellationToken);

        await throttle.GiveBackAsync(attempt, cancellationToken);
        if (!user.IsEnabled || user.Partner?.Status == PartnerStatus.Deactivated)
        {
            await audit.RecordAsync(AuditEntry.ForUser(user, "LOGIN_REFUSED_DEACTIVATED", AuditEntry.Failure), cancellationToken);
            throw PmsErrors.FailedPrecondition("PARTNER_DEACTIVATED",
                "This account is deactivated. Ask the partner admin to activate it again.");
        }

        var now = time.GetUtcNow();
        var session = new UserSession { Id = Guid.CreateVersion7(), UserId = user.Id, StartedAt = now, ExpiresAt = now + Jwt.SessionLifetime };
        db.Sessions.Add(session);
        var tokensIssued = IssueTokens(user, session, now);
        audit.Add(AuditEntry.ForUser(user, "LOGIN"));
        await db.SaveChangesAsync(cancellationToken);
        return tokensIssued;
    }

    // The count, the look-up, the hash and, on failure, the audit row: the same work whether or not the username exists.
    private async Task<(UserAccount User, SignInAttempt Attempt)> CheckPasswordAsync(string username, string normalized, string password,
        CancellationToken cancellationToken)
    {
        var attempt = await throttle.CountAsync(normalized, cancellationToken);
        var user = await db.Users.Include(u => u.Partner).FirstOrDefaultAsync(u => u.NormalizedUsername == normalized, cancellationToken);
        var verdict = hasher.VerifyHashedPassword(user!, user?.PasswordHash ?? DummyHash.Value, password);
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            // The count stays: it is the failure counter. An unknown name is audited like a known one, so both paths write alike.
            await audit.RecordAsync(user is null
                ? new AuditEntry("LOGIN_FAILED", "user", "", null, username.Trim(), Outcome: AuditEntry.Failure)
                : AuditEntry.ForUser(user, "LOGIN_FAILED", AuditEntry.Failure), cancellationToken);
            throw PmsErrors.Unauthenticated("INVALID_CREDENTIALS", InvalidCredentialsMessage);
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }
        return (user, attempt);
    }

    /// <summary>
    /// Rotates a refresh token. Presenting one that was already rotated revokes the whole session (token theft), except
    /// within <see cref="JwtOptions.RefreshReuseGrace"/> of its rotation, when it gets the same successor again: two
    /// portal tabs share one cookie and renew at the same moment. The new tokens never outlive the session's absolute end.
    /// </summary>
    public async Task<SessionTokens> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stored = await FindRefreshTokenAsync(refreshToken, cancellationToken);
        if (stored is null || stored.ExpiresAt <= now)
        {
            throw PmsErrors.Unauthenticated("INVALID_REFRESH_TOKEN", "The refresh token is unknown or expired; sign in again.");
        }

        // One transaction: the claim's row lock makes a concurrent refresh of the same token wait until the winner's
        // successor is committed, so the loser finds it. What a refusal wrote (a revocation, an audit row) is committed too.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            var issued = await RotateAsync(refreshToken, stored, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return issued;
        }
        catch (PmsException)
        {
            await transaction.CommitAsync(cancellationToken);
            throw;
        }
    }

    private async Task<SessionTokens> RotateAsync(string refreshToken, RefreshToken stored, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var claimed = await db.RefreshTokens
            .Where(t => t.Id == stored.Id && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
        var user = await db.Users.Include(u => u.Partner).FirstAsync(u => u.Id == stored.UserId, cancellationToken);
        var successor = tokens.SuccessorOf(refreshToken);
        RefreshToken? sibling = null;
        if (claimed == 0)
        {
            sibling = await RecentSuccessorAsync(stored, successor.Hash, now, cancellationToken);
            if (sibling is null)
            {
                await RefuseReuseAsync(stored, user, now, cancellationToken);
            }
        }

        if (!user.IsEnabled || user.Partner?.Status == PartnerStatus.Deactivated)
        {
            await RevokeSessionAsync(stored.FamilyId, now, cancellationToken);
            throw PmsErrors.FailedPrecondition("PARTNER_DEACTIVATED", "This account is deactivated.");
        }

        var session = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stored.FamilyId, cancellationToken);
        if (session is null || session.RevokedAt is not null)
        {
            throw PmsErrors.Unauthenticated("INVALID_REFRESH_TOKEN", "The session was ended; sign in again.");
        }
        if (session.ExpiresAt <= now)
        {
            throw PmsErrors.Unauthenticated("SESSION_EXPIRED",
                $"Sessions last at most {Jwt.SessionLifetime.TotalHours:0.#} hours from sign-in, however often they are refreshed; sign in again.");
        }

        if (sibling is not null)
        {
            // The other tab's renewal already stored this successor: hand out the same one, with an access token of its own.
            var (access, accessExpiresAt) = tokens.CreateAccessToken(user, session.Id, session.ExpiresAt);
            return new SessionTokens(user, access, accessExpiresAt, successor.Token, sibling.ExpiresAt, ConsentRequired(user));
        }
        var issued = IssueTokens(user, session, now, successor);
        await db.SaveChangesAsync(cancellationToken);
        return issued;
    }

    /// <summary>
    /// The successor of a token rotated within the grace window, when it is still unused: the answer for the second
    /// of two simultaneous renewals. Null for a token that was revoked rather than rotated, or rotated longer ago.
    /// </summary>
    private async Task<RefreshToken?> RecentSuccessorAsync(RefreshToken stored, byte[] successorHash, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var rotatedAt = await db.RefreshTokens.Where(t => t.Id == stored.Id).Select(t => t.RevokedAt).FirstAsync(cancellationToken);
        if (rotatedAt is null || now - rotatedAt > Jwt.RefreshReuseGrace)
        {
            return null;
        }
        return await db.RefreshTokens.AsNoTracking().FirstOrDefaultAsync(t =>
            t.TokenHash == successorHash && t.FamilyId == stored.FamilyId && t.RevokedAt == null && t.ExpiresAt > now, cancellationToken);
    }

    // Always throws INVALID_REFRESH_TOKEN.
    private async Task RefuseReuseAsync(RefreshToken stored, UserAccount user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await RevokeSessionAsync(stored.FamilyId, now, cancellationToken) > 0)
        {
            await audit.RecordAsync(AuditEntry.ForUser(user, "REFRESH_TOKEN_REUSED", AuditEntry.Failure) with
            {
                ResourceType = "session",
                ResourceId = stored.FamilyId.ToString(),
                Comment = "A refresh token was presented again after rotation; the whole session was revoked.",
            }, cancellationToken);
        }
        throw PmsErrors.Unauthenticated("INVALID_REFRESH_TOKEN", "The refresh token was already used or revoked; sign in again.");
    }

    /// <summary>Revokes the session the refresh token belongs to. Unknown or already revoked tokens are fine.</summary>
    public async Task LogoutAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var stored = await FindRefreshTokenAsync(refreshToken, cancellationToken);
        if (stored is null)
        {
            return;
        }
        await RevokeSessionAsync(stored.FamilyId, time.GetUtcNow(), cancellationToken);
        var user = await db.Users.FirstAsync(u => u.Id == stored.UserId, cancellationToken);
        await audit.RecordAsync(AuditEntry.ForUser(user, "LOGOUT"), cancellationToken);
    }

    /// <summary>
    /// Ends every session of a user (password change or reset, deactivation, break-glass): refresh tokens stop at once,
    /// and access tokens on every replica as soon as the notification arrives (when the caller's transaction commits).
    /// </summary>
    public async Task<int> RevokeAllSessionsAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var revoked = await db.Sessions.Where(s => s.UserId == userId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), cancellationToken);
        await db.RefreshTokens.Where(t => t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
        await NotifyAsync(SessionChangeListener.UserPayload(userId), cancellationToken);
        registry.Revoked(null, userId);
        return revoked;
    }

    private SessionTokens IssueTokens(UserAccount user, UserSession session, DateTimeOffset now, (string Token, byte[] Hash)? successor = null)
    {
        var (refresh, hash) = successor ?? TokenIssuer.CreateOpaqueToken();
        var refreshExpiresAt = Min(now + Jwt.RefreshTokenLifetime, session.ExpiresAt);
        db.RefreshTokens.Add(new RefreshToken
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            TokenHash = hash,
            FamilyId = session.Id,
            CreatedAt = now,
            ExpiresAt = refreshExpiresAt,
        });
        var (access, accessExpiresAt) = tokens.CreateAccessToken(user, session.Id, session.ExpiresAt);
        return new SessionTokens(user, access, accessExpiresAt, refresh, refreshExpiresAt, ConsentRequired(user));
    }

    private bool ConsentRequired(UserAccount user) => user.Partner is not null && !consent.HasCurrentConsent(user.Partner);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private Task<RefreshToken?> FindRefreshTokenAsync(string refreshToken, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(refreshToken) || refreshToken.Length > 128)
        {
            return Task.FromResult<RefreshToken?>(null);
        }
        var hash = TokenIssuer.HashOpaqueToken(refreshToken);
        return db.RefreshTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
    }

    /// <summary>Revokes one session and its refresh tokens; returns 1 when it was still live.</summary>
    private async Task<int> RevokeSessionAsync(Guid sessionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.RefreshTokens.Where(t => t.FamilyId == sessionId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
        var revoked = await db.Sessions.Where(s => s.Id == sessionId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), cancellationToken);
        await NotifyAsync(SessionChangeListener.SessionPayload(sessionId), cancellationToken);
        registry.Revoked(sessionId, null);
        return revoked;
    }

    // Delivered to every replica (this one included) when the surrounding transaction, if any, commits.
    private Task NotifyAsync(string payload, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_notify({SessionRegistry.Channel}, {payload})", cancellationToken);
}
