namespace Pms.Grpc.Data.Entities;

/// <summary>A Root or Intermediate CA certificate in the trust store of one partner domain.</summary>
public class CaCertificate
{
    public Guid Id { get; set; }
    public PartnerDomain PartnerDomain { get; set; }
    public CaCertificateType Type { get; set; }
    public required string Subject { get; set; }
    public required string Issuer { get; set; }
    public required string SerialNumber { get; set; }
    public DateTimeOffset NotBefore { get; set; }
    public DateTimeOffset NotAfter { get; set; }
    public required string ThumbprintSha256 { get; set; }
    public Guid? IssuerCertificateId { get; set; }
    public required byte[] Der { get; set; }
    /// <summary>The subject key for display, e.g. "RSA 3072", "EC P-256", "Ed25519".</summary>
    public string PublicKeyAlgorithm { get; set; } = "";
    public DateTimeOffset UploadedAt { get; set; }
    public required string UploadedBy { get; set; }
}
