namespace Pms.Grpc.FtmChips.Expiry;

public sealed class CertificateExpiryOptions
{
    public const string SectionName = "Pms:CertificateExpiry";

    public bool Enabled { get; set; } = true;

    /// <summary>How often the job looks for expiring certificates (MOSIP's batch job: daily).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(1);
}
