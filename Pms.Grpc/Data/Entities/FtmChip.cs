namespace Pms.Grpc.Data.Entities;

public enum FtmChipStatus
{
    PendingCertUpload = 1,
    PendingApproval = 2,
    Approved = 3,
    Rejected = 4,
    Deactivated = 5,
}

/// <summary>An FTM chip model registered by a provider, with its certificate once uploaded.</summary>
public class FtmChip
{
    public Guid Id { get; set; }
    public Guid PartnerId { get; set; }
    public Partner? Partner { get; set; }
    /// <summary>The provider's registered organisation when the chip was added; chip certificates must carry it as O=.</summary>
    public required string OrganizationName { get; set; }
    public required string Make { get; set; }
    public required string Model { get; set; }
    public FtmChipStatus Status { get; set; } = FtmChipStatus.PendingCertUpload;
    public string? ReviewComment { get; set; }
    public string? CaSignedCertificatePem { get; set; }
    public string? MosipSignedCertificatePem { get; set; }
    public DateTimeOffset? CertificateUploadedAt { get; set; }
    public DateTimeOffset? CaSignedNotAfter { get; set; }
    public DateTimeOffset? MosipSignedNotBefore { get; set; }
    public DateTimeOffset? MosipSignedNotAfter { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>PostgreSQL's xmin: two transitions racing on one chip cannot both commit.</summary>
    public uint Version { get; set; }
}

/// <summary>One line of the audit trail: who did what to which resource, and how it went.</summary>
public class AuditEvent
{
    public Guid Id { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public Guid? ActorId { get; set; }
    public required string ActorUsername { get; set; }
    public required string Action { get; set; }
    public required string ResourceType { get; set; }
    public required string ResourceId { get; set; }
    public string? FromStatus { get; set; }
    public string? ToStatus { get; set; }
    public string? Comment { get; set; }
    public required string Outcome { get; set; }
    public string? Detail { get; set; }
}

/// <summary>Marks that the expiry mail for one certificate and one threshold (30, 15, 10, 5, 1 days) was sent.</summary>
public class CertificateExpiryNotice
{
    public Guid Id { get; set; }
    public required string ResourceType { get; set; }
    public required string ResourceId { get; set; }
    public DateTimeOffset CertificateNotAfter { get; set; }
    public int ThresholdDays { get; set; }
    public DateTimeOffset SentAt { get; set; }
}
