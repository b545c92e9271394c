using Pms.Grpc.Certificates;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;

namespace Pms.Grpc.TrustStore;

/// <summary>The checks every RPC that takes <c>certificate_data</c> and <c>partner_domain</c> makes before any certificate rule.</summary>
public static class CertificateInput
{
    public const string TooLarge = "CERTIFICATE_DATA_TOO_LARGE";
    public const string ValidationFailed = "VALIDATION_FAILED";

    /// <summary>MOSIP keymanager's "partner domain missing or invalid".</summary>
    public const string MissingDomainCode = "KER-PCM-011";

    /// <summary>The domain a request names; refuses a missing or unknown one (VALIDATION_FAILED, KER-PCM-011).</summary>
    public static PartnerDomain RequireDomain(PartnerDomain? domain)
    {
        if (domain is { } value && Enum.IsDefined(value))
        {
            return value;
        }

        PmsErrors.InvalidArgument(ValidationFailed, "partner_domain is required: FTM, DEVICE or AUTH.", MissingDomainCode, field: "partner_domain");
        return default;
    }

    /// <summary>
    /// Parses uploaded certificate bytes. More than 1 MiB is refused before any parsing (CERTIFICATE_DATA_TOO_LARGE);
    /// bytes that are not certificates are INVALID_CERTIFICATE (KER-PCM-001).
    /// </summary>
    public static IReadOnlyList<ParsedCertificate> Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length > CertificateParser.MaxCertificateDataBytes)
        {
            PmsErrors.InvalidArgument(TooLarge,
                $"certificate_data is {data.Length} bytes; at most {CertificateParser.MaxCertificateDataBytes} bytes (1 MiB) are accepted.",
                field: "certificate_data");
        }

        return CertificateParser.Parse(data);
    }
}
