namespace Pms.Grpc.Data.Entities;

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
