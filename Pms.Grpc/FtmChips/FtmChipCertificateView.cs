namespace Pms.Grpc.FtmChips;

/// <summary>A chip's certificate pair, with expiry judged at the time of the answer.</summary>
public sealed record FtmChipCertificateView(
    Guid ChipId,
    string Subject,
    string Issuer,
    string CaSignedCertificatePem,
    string MosipSignedCertificatePem,
    DateTimeOffset UploadedAt,
    DateTimeOffset CaSignedNotAfter,
    DateTimeOffset MosipSignedNotBefore,
    DateTimeOffset MosipSignedNotAfter,
    bool CaSignedExpired,
    bool MosipSignedExpired);
