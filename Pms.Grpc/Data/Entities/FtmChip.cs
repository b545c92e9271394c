namespace Pms.Grpc.Data.Entities;

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
