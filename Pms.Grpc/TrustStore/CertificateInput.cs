using Pms.Grpc.Certificates;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;

namespace Pms.Grpc.TrustStore;

/// <summary>
/// The intake every RPC that takes <c>certificate_data</c> shares, before the rules of what the certificate is for:
/// bytes → size limit → parse (PEM, DER, PEM bundle, PKCS#7) → structural rules. Each step answers with a value or
/// the violation; the caller decides whether a violation refuses the call (<c>CertificateRefusals.OrRefuse</c>) or
/// one entry of a bundle.
/// </summary>
/// <remarks>
/// What follows the intake: <see cref="CaCertificateRules.Check"/> for a CA upload (per bundle entry, root first),
/// <see cref="EndEntityCertificateRules.Check"/> for a partner's or a chip's certificate, and
/// <see cref="DomainTrustStore.BuildPath(ParsedCertificate, IReadOnlyList{ParsedCertificate}, DateTimeOffset)"/>
/// for VerifyCertificateTrust.
/// </remarks>
public static class CertificateInput
{
    public const string TooLarge = "CERTIFICATE_DATA_TOO_LARGE";
    public const string ValidationFailed = PmsErrors.ValidationFailed;

    /// <summary>MOSIP keymanager's "partner domain missing or invalid".</summary>
    public const string MissingDomainCode = "KER-PCM-011";

    /// <summary>The domain a request names; a missing or unknown one is VALIDATION_FAILED (KER-PCM-011) on partner_domain.</summary>
    public static Checked<PartnerDomain> CheckDomain(PartnerDomain? domain) =>
        domain is { } value && Enum.IsDefined(value)
            ? value
            : new CertificateRuleViolation(ValidationFailed, MissingDomainCode, "partner_domain is required: FTM, DEVICE or AUTH.")
            {
                Field = "partner_domain",
            };

    /// <summary>More than 1 MiB of certificate_data is CERTIFICATE_DATA_TOO_LARGE, before anything else is done with it.</summary>
    public static CertificateRuleViolation? CheckSize(int length) =>
        length <= CertificateParser.MaxCertificateDataBytes
            ? null
            : new CertificateRuleViolation(TooLarge, string.Empty,
                $"certificate_data is {length} bytes; at most {CertificateParser.MaxCertificateDataBytes} bytes (1 MiB) are accepted.")
            {
                Field = "certificate_data",
            };

    /// <summary>
    /// Size, then parse: every certificate of the upload in the order sent. Bytes that are not certificates are
    /// INVALID_CERTIFICATE (KER-PCM-001).
    /// </summary>
    public static Checked<IReadOnlyList<ParsedCertificate>> Read(ReadOnlySpan<byte> data) =>
        CheckSize(data.Length) is { } tooLarge ? tooLarge : CertificateParser.Parse(data);

    /// <summary>
    /// The intake of a certificate that is not a CA (a partner's, a chip's, or one asked about): <see cref="Read"/>,
    /// the leaf picked out of the bundle with the others as intermediates that may help its path
    /// (<see cref="EndEntityInput.From"/>). Uploads also require the leaf to be X.509 v3 (KER-PCM-007);
    /// VerifyCertificateTrust answers about any version.
    /// </summary>
    public static Checked<EndEntityInput> ReadEndEntity(ReadOnlyMemory<byte> data, bool requireVersion3) =>
        Read(data.Span).Then<EndEntityInput>(certificates =>
        {
            var input = EndEntityInput.From(certificates);
            return requireVersion3 && StructuralRules.Version3(input.Leaf, $"Certificate '{input.Leaf.Subject}'") is { } violation
                ? violation
                : input;
        });
}
