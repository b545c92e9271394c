using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pms.Grpc.Auditing;
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
/// Sign-in, refresh-token rotation and sign-out. Every refusal of a password looks the same, whether
/// the username exists, the password is wrong or the account is locked, so answers reveal no account.
/// </summary>
public sealed class SessionService(
    PmsDbContext db,
    IPasswordHasher<UserAccount> hasher,
    TokenIssuer tokens,
    IAuditLog audit,
    IOptions<PmsOptions> options,
    TimeProvider time,
    ConsentPolicy consent)
{
    private const string InvalidCredentialsMessage =
        "The username or password is incorrect, or the account is locked for a while after repeated failures.";

    // Verifying against this when the user does not exist keeps both paths equally slow.
    private static readonly Lazy<string> DummyHash = new(() =>
        new PasswordHasher<UserAccount>().HashPassword(null!, Guid.NewGuid().ToString()));

    private JwtOptions Jwt => options.Value.Jwt;

    public async Task<SessionTokens> LoginAsync(string username, string password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password) || username.Length > 64 || password.Length > 256)
        {
            PmsErrors.Unauthenticated("INVALID_CREDENTIALS", InvalidCredentialsMessage);
        }

        var now = time.GetUtcNow();
        var normalized = UserNames.Normalize(username);
        var user = await db.Users.Include(u => u.Partner).FirstOrDefaultAsync(u => u.NormalizedUsername == normalized, cancellationToken);
        if (user is null)
        {
            hasher.VerifyHashedPassword(null!, DummyHash.Value, password);
            PmsErrors.Unauthenticated("INVALID_CREDENTIALS", InvalidCredentialsMessage);
        }

        if (user.LockoutEnd is { } lockoutEnd && lockoutEnd > now)
        {
            hasher.VerifyHashedPassword(user, user.PasswordHash, password);
            await audit.RecordAsync(AuditEntry.ForUser(user, "LOGIN_REFUSED_LOCKED"), cancellationToken);
            PmsErrors.Unauthenticated("INVALID_CREDENTIALS", InvalidCredentialsMessage);
        }

        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            user.AccessFailedCount++;
            if (user.AccessFailedCount >= Jwt.MaxFailedAccessAttempts)
            {
                user.LockoutEnd = now + Jwt.LockoutDuration;
                user.AccessFailedCount = 0;
            }
            await db.SaveChangesAsync(cancellationToken);
            await audit.RecordAsync(AuditEntry.ForUser(user, user.LockoutEnd > now ? "ACCOUNT_LOCKED" : "LOGIN_FAILED"), cancellationToken);
            PmsErrors.Unauthenticated("INVALID_CREDENTIALS", InvalidCredentialsMessage);
        }

        if (!user.IsEnabled || user.Partner?.Status == PartnerStatus.Deactivated)
        {
            PmsErrors.FailedPrecondition("PARTNER_DEACTIVATED",
                "This account is deactivated. Ask the partner admin to activate it again.");
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;

        var session = IssueSession(user, familyId: Guid.CreateVersion7(), now);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditEntry.ForUser(user, "LOGIN"), cancellationToken);
        return session;
    }

    /// <summary>Rotates a refresh token. Presenting one that was already rotated revokes its whole family (token theft).</summary>
    public async Task<SessionTokens> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stored = await FindRefreshTokenAsync(refreshToken, cancellationToken);
        if (stored is null || stored.ExpiresAt <= now)
        {
            PmsErrors.Unauthenticated("INVALID_REFRESH_TOKEN", "The refresh token is unknown or expired; sign in again.");
        }

        // Only one concurrent refresh of the same token may win: the conditional update decides.
        var claimed = await db.RefreshTokens
            .Where(t => t.Id == stored.Id && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
        if (claimed == 0)
        {
            await RevokeFamilyAsync(stored.FamilyId, now, cancellationToken);
            PmsErrors.Unauthenticated("INVALID_REFRESH_TOKEN", "The refresh token was already used or revoked; sign in again.");
        }

        var user = await db.Users.Include(u => u.Partner).FirstAsync(u => u.Id == stored.UserId, cancellationToken);
        if (!user.IsEnabled || user.Partner?.Status == PartnerStatus.Deactivated)
        {
            await RevokeFamilyAsync(stored.FamilyId, now, cancellationToken);
            PmsErrors.FailedPrecondition("PARTNER_DEACTIVATED", "This account is deactivated.");
        }

        var session = IssueSession(user, stored.FamilyId, now);
        await db.SaveChangesAsync(cancellationToken);
        return session;
    }

    /// <summary>Revokes the session the refresh token belongs to. Unknown or already revoked tokens are fine.</summary>
    public async Task LogoutAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var stored = await FindRefreshTokenAsync(refreshToken, cancellationToken);
        if (stored is null)
        {
            return;
        }
        await RevokeFamilyAsync(stored.FamilyId, time.GetUtcNow(), cancellationToken);
        var user = await db.Users.FirstAsync(u => u.Id == stored.UserId, cancellationToken);
        await audit.RecordAsync(AuditEntry.ForUser(user, "LOGOUT"), cancellationToken);
    }

    /// <summary>Ends every session of a user: after a password change or reset, or deactivation.</summary>
    public Task<int> RevokeAllSessionsAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.RefreshTokens.Where(t => t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
    }

    private SessionTokens IssueSession(UserAccount user, Guid familyId, DateTimeOffset now)
    {
        var (refresh, hash) = TokenIssuer.CreateOpaqueToken();
        var refreshExpiresAt = now + Jwt.RefreshTokenLifetime;
        db.RefreshTokens.Add(new RefreshToken
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            TokenHash = hash,
            FamilyId = familyId,
            CreatedAt = now,
            ExpiresAt = refreshExpiresAt,
        });
        var (access, accessExpiresAt) = tokens.CreateAccessToken(user, familyId);
        return new SessionTokens(user, access, accessExpiresAt, refresh, refreshExpiresAt,
            ConsentRequired: user.Partner is not null && !consent.HasCurrentConsent(user.Partner));
    }

    private Task<RefreshToken?> FindRefreshTokenAsync(string refreshToken, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(refreshToken) || refreshToken.Length > 128)
        {
            return Task.FromResult<RefreshToken?>(null);
        }
        var hash = TokenIssuer.HashOpaqueToken(refreshToken);
        return db.RefreshTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
    }

    private Task<int> RevokeFamilyAsync(Guid familyId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.RefreshTokens.Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
}
