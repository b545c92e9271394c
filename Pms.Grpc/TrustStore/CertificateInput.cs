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

    /// <summary>Refuses more than 1 MiB of certificate_data (CERTIFICATE_DATA_TOO_LARGE) before anything else is done with it.</summary>
    public static void RequireSize(ReadOnlyMemory<byte> data)
    {
        if (data.Length > CertificateParser.MaxCertificateDataBytes)
        {
            PmsErrors.InvalidArgument(TooLarge,
                $"certificate_data is {data.Length} bytes; at most {CertificateParser.MaxCertificateDataBytes} bytes (1 MiB) are accepted.",
                field: "certificate_data");
        }
    }

    /// <summary>
    /// The intake of a certificate that is not a CA (a partner's, a chip's, or one asked about): size, parse (PEM, DER,
    /// PEM bundle, PKCS#7), the leaf picked out of the bundle (<see cref="CertificateBundle.SelectLeaf"/>), the others as
    /// intermediates that may help its path. Uploads also require the leaf to be X.509 v3 (KER-PCM-007);
    /// VerifyCertificateTrust answers about any version.
    /// </summary>
    public static EndEntityInput ReadEndEntity(ReadOnlyMemory<byte> data, bool requireVersion3)
    {
        var certificates = Parse(data.Span);
        var leaf = CertificateBundle.SelectLeaf(certificates);
        if (requireVersion3 && StructuralRules.Version3(leaf, $"Certificate '{leaf.Subject}'") is { } violation)
        {
            CertificateValidationException.Throw(violation);
        }

        var intermediates = new List<ParsedCertificate>(certificates.Count - 1);
        foreach (var certificate in certificates)
        {
            if (!ReferenceEquals(certificate, leaf))
            {
                intermediates.Add(certificate);
            }
        }

        return new EndEntityInput(leaf, intermediates);
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

/// <summary>A leaf certificate as uploaded or asked about, with the intermediates sent along with it.</summary>
public sealed record EndEntityInput(ParsedCertificate Leaf, IReadOnlyList<ParsedCertificate> Intermediates);
