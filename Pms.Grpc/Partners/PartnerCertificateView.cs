namespace Pms.Grpc.Partners;

/// <summary>A partner's certificate pair as the API shows it, with expiry judged at the time of the answer.</summary>
public sealed record PartnerCertificateView(
    Guid Id,
    Guid PartnerId,
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
