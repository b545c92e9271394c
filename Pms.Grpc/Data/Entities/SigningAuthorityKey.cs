namespace Pms.Grpc.Data.Entities;

/// <summary>PMS's own signing CA. The private key is encrypted with the configured key-encryption key.</summary>
public class SigningAuthorityKey
{
    public Guid Id { get; set; }
    public required string CertificatePem { get; set; }
    public required byte[] EncryptedPrivateKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public bool IsActive { get; set; }
}
