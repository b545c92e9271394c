namespace Pms.Grpc.Data.Entities;

/// <summary>A person who signs in: the partner admin, or the user of a registered partner.</summary>
public class UserAccount
{
    public Guid Id { get; set; }
    public required string Username { get; set; }
    /// <summary>Upper-invariant username; unique, so "Alice" and "alice" cannot both exist.</summary>
    public required string NormalizedUsername { get; set; }
    public required string PasswordHash { get; set; }
    public List<string> Roles { get; set; } = [];
    /// <summary>The partner this user acts for; null for admins and services.</summary>
    public Guid? PartnerId { get; set; }
    public Partner? Partner { get; set; }
    public bool IsEnabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PasswordChangedAt { get; set; }
}

/// <summary>
/// Password checks against one username (whether or not an account has it) in the current window. Each check is
/// counted before the hash is computed and given back when it succeeds, so parallel guesses cannot out-run the limit.
/// </summary>
public class SignInAttempts
{
    public required string NormalizedUsername { get; set; }
    public DateTimeOffset WindowStart { get; set; }
    public int Count { get; set; }
}

/// <summary>
/// One sign-in, from login until logout, revocation or its absolute expiry. Its id is the refresh-token family and the
/// access token's <c>sid</c>; every authenticated call checks it (through a cache), so revoking it takes effect at once.
/// </summary>
public class UserSession
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public UserAccount? User { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    /// <summary>The absolute end: refreshing never extends a session past it.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>A refresh token, stored only as its SHA-256 hash. Rotation keeps one family per sign-in.</summary>
public class RefreshToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public UserAccount? User { get; set; }
    public required byte[] TokenHash { get; set; }
    /// <summary>All tokens descended from one sign-in; reuse of a rotated token revokes the whole family.</summary>
    public Guid FamilyId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public Guid? ReplacedById { get; set; }
}

/// <summary>A single-use password-reset token, stored only as its SHA-256 hash.</summary>
public class PasswordResetToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public UserAccount? User { get; set; }
    public required byte[] TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? ConsumedAt { get; set; }
}
