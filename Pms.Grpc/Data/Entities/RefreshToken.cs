namespace Pms.Grpc.Data.Entities;

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
