namespace Pms.Grpc.Configuration;

public sealed class CertificateOptions
{
    /// <summary>Minimum remaining validity of an uploaded CA certificate (MOSIP KER-PCM-017: 12 months).</summary>
    public TimeSpan CaMinimumRemainingValidity { get; set; } = TimeSpan.FromDays(365);
    /// <summary>Minimum remaining validity of a partner or FTM chip certificate (365 − 30 days).</summary>
    public TimeSpan EndEntityMinimumRemainingValidity { get; set; } = TimeSpan.FromDays(335);
    public TimeSpan MosipSignedValidity { get; set; } = TimeSpan.FromDays(365);
}
