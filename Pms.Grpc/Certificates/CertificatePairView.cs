namespace Pms.Grpc.Certificates;

/// <summary>
/// A CA-signed certificate and the MOSIP-signed copy PMS made of it, as the API shows them (a partner's or a chip's),
/// with expiry judged at the time of the answer.
/// </summary>
public sealed record CertificatePairView(
    string Subject,
    string Issuer,
    string CaSignedCertificatePem,
    string MosipSignedCertificatePem,
    DateTimeOffset UploadedAt,
    DateTimeOffset CaSignedNotAfter,
    DateTimeOffset MosipSignedNotBefore,
    DateTimeOffset MosipSignedNotAfter,
    DateTimeOffset JudgedAt)
{
    public bool CaSignedExpired => CaSignedNotAfter <= JudgedAt;

    public bool MosipSignedExpired => MosipSignedNotAfter <= JudgedAt;
}
