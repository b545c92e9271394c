namespace Pms.Grpc.Data.Entities;

/// <summary>
/// A registered partner organisation. Email, phone and address are personal data: stored encrypted,
/// with a keyed hash of the normalised email for uniqueness and look-up.
/// </summary>
public class Partner
{
    public Guid Id { get; set; }
    public PartnerType PartnerType { get; set; }
    public required string FirstName { get; set; }
    public required string LastName { get; set; }
    public required string OrganizationName { get; set; }
    public required byte[] AddressEncrypted { get; set; }
    public required byte[] PhoneNumberEncrypted { get; set; }
    public required byte[] EmailEncrypted { get; set; }
    public required byte[] EmailLookupHash { get; set; }
    public PartnerStatus Status { get; set; } = PartnerStatus.InProgress;
    public string? ConsentVersion { get; set; }
    public DateTimeOffset? ConsentGivenAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>PostgreSQL's xmin: optimistic concurrency without a column of our own.</summary>
    public uint Version { get; set; }
    public List<PartnerCertificate> Certificates { get; set; } = [];
}
