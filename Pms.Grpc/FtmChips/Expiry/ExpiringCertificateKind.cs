namespace Pms.Grpc.FtmChips.Expiry;

/// <summary>Whose certificate is about to expire.</summary>
public enum ExpiringCertificateKind
{
    PartnerCertificate = 1,
    FtmChipCertificate = 2,
}
