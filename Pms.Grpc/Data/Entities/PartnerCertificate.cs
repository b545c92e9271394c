namespace Pms.Grpc.Data.Entities;

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
