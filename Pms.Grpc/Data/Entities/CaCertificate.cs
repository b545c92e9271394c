namespace Pms.Grpc.Data.Entities;

public enum CaCertificateType
{
    Root = 1,
    Intermediate = 2,
}

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

/// <summary>PMS's own signing CA. The private key is encrypted with the configured key-encryption key.</summary>
public class SigningAuthorityKey
{
    public Guid Id { get; set; }
    public required string CertificatePem { get; set; }
    public required byte[] EncryptedPrivateKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public bool IsActive { get; set; }
}

/// <summary>Secrets PMS generates for itself in Development only (JWT signing key, key-encryption key),
/// kept in the database so restarts and replicas agree. Production takes them from configuration.</summary>
public class GeneratedSecret
{
    public required string Name { get; set; }
    public required string Value { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
