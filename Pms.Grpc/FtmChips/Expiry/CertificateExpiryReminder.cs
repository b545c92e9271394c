namespace Pms.Grpc.FtmChips.Expiry;

/// <summary>One reminder: a provider's MOSIP-signed certificate expires within <see cref="ThresholdDays"/> days.</summary>
public sealed record CertificateExpiryReminder(
    PartnerContact Recipient,
    ExpiringCertificateKind Kind,
    string Description,
    DateTimeOffset NotAfter,
    int ThresholdDays);
