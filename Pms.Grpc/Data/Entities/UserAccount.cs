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
