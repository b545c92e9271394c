namespace Pms.Grpc.Configuration;

/// <summary>Settings under <c>Pms:</c>. Secrets (admin password, JWT key, key-encryption key) come from
/// configuration or Aspire secret parameters; in Development missing ones get a generated default.</summary>
public sealed class PmsOptions
{
    public const string SectionName = "Pms";

    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();
    public JwtOptions Jwt { get; set; } = new();
    public KeyEncryptionOptions KeyEncryption { get; set; } = new();
    public PortalOptions Portal { get; set; } = new();
    public MailOptions Mail { get; set; } = new();
    public CertificateOptions Certificates { get; set; } = new();
    public TrustStoreOptions TrustStore { get; set; } = new();
    public RateLimitOptions RateLimits { get; set; } = new();
    public DiagnosticsOptions Diagnostics { get; set; } = new();
}
