namespace Pms.Grpc.Data.Entities;

public enum PartnerType
{
    FtmProvider = 1,
    DeviceProvider = 2,
    AuthPartner = 3,
}

public enum PartnerDomain
{
    Ftm = 1,
    Device = 2,
    Auth = 3,
}

public enum PartnerStatus
{
    InProgress = 1,
    Active = 2,
    Deactivated = 3,
}

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

/// <summary>One upload of a partner's CA-signed certificate and the MOSIP-signed copy PMS issued for it.
/// Re-uploads add rows; the newest (<see cref="IsCurrent"/>) is the one in force, the others are history.</summary>
public class PartnerCertificate
{
    public Guid Id { get; set; }
    public Guid PartnerId { get; set; }
    public Partner? Partner { get; set; }
    public required string CaSignedCertificatePem { get; set; }
    public required string MosipSignedCertificatePem { get; set; }
    public required string Subject { get; set; }
    public required string Issuer { get; set; }
    public required string ThumbprintSha256 { get; set; }
    public DateTimeOffset CaSignedNotBefore { get; set; }
    public DateTimeOffset CaSignedNotAfter { get; set; }
    public DateTimeOffset MosipSignedNotBefore { get; set; }
    public DateTimeOffset MosipSignedNotAfter { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
    public Guid UploadedBy { get; set; }
    public bool IsCurrent { get; set; }
}
