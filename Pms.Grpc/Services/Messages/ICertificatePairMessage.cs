using Google.Protobuf.WellKnownTypes;

namespace Pms.Grpc.Services.Messages;

/// <summary>
/// The fields <c>PartnerCertificate</c> and <c>FtmChipCertificate</c> share: a CA-signed certificate and PMS's
/// MOSIP-signed copy. The generated classes take this interface through the partial declarations in this folder.
/// </summary>
public interface ICertificatePairMessage
{
    string Subject { get; set; }

    string Issuer { get; set; }

    string CaSignedCertificatePem { get; set; }

    string MosipSignedCertificatePem { get; set; }

    Timestamp UploadedAt { get; set; }

    Timestamp CaSignedNotAfter { get; set; }

    Timestamp MosipSignedNotBefore { get; set; }

    Timestamp MosipSignedNotAfter { get; set; }

    bool CaSignedExpired { get; set; }

    bool MosipSignedExpired { get; set; }
}
