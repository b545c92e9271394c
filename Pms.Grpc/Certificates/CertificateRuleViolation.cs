namespace Pms.Grpc.Certificates;

/// <summary>How the gRPC layer should classify a violation.</summary>
public enum CertificateViolationKind
{
    /// <summary>The certificate itself is wrong: the caller must send another one.</summary>
    InvalidArgument,

    /// <summary>The certificate may be fine but the system is not ready for it (e.g. its CA is not in the trust store yet).</summary>
    FailedPrecondition,

    /// <summary>The very same certificate is already stored where it was to go.</summary>
    AlreadyExists,
}

/// <summary>
/// One broken certificate rule: a machine-readable <paramref name="Reason"/> (UPPER_SNAKE, goes to
/// <c>ErrorInfo.reason</c>), MOSIP's error code where MOSIP has one (empty otherwise; goes to
/// <c>ErrorInfo.metadata["mosip_error_code"]</c>) and a human message naming the certificate and field.
/// </summary>
public sealed record CertificateRuleViolation(
    string Reason,
    string MosipErrorCode,
    string Message,
    CertificateViolationKind Kind = CertificateViolationKind.InvalidArgument)
{
    /// <summary>For a failed trust path: the detailed cause (e.g. ISSUER_NOT_TRUSTED, INVALID_SIGNATURE), sent as ErrorInfo metadata "cause".</summary>
    public string? Cause { get; init; }

    /// <summary>The request field at fault when it is not the certificate itself (e.g. partner_domain), sent as a BadRequest field violation.</summary>
    public string? Field { get; init; }
}

/// <summary>The <see cref="CertificateRuleViolation.Reason"/> values the engine produces.</summary>
public static class CertificateReasons
{
    public const string Unparsable = "INVALID_CERTIFICATE";
    public const string NotV3 = "UNSUPPORTED_CERTIFICATE_VERSION";
    public const string Expired = "CERTIFICATE_EXPIRED";
    public const string NotYetValid = "CERTIFICATE_NOT_YET_VALID";
    public const string ValidityTooShort = "CERTIFICATE_VALIDITY_TOO_SHORT";
    public const string NotACaCertificate = "NOT_A_CA_CERTIFICATE";
    public const string KeyCertSignMissing = "KEY_CERT_SIGN_MISSING";
    public const string WeakKey = "KEY_NOT_ALLOWED";
    public const string WeakSignatureAlgorithm = "SIGNATURE_ALGORITHM_NOT_ALLOWED";
    public const string InvalidSignature = "INVALID_SIGNATURE";
    public const string UnsupportedCriticalExtension = "UNSUPPORTED_CRITICAL_EXTENSION";
    public const string SelfSignedNotAllowed = "SELF_SIGNED_CERTIFICATE";
    public const string OrganizationMismatch = "ORGANIZATION_NAME_MISMATCH";
    public const string NoTrustedCaForDomain = "NO_TRUSTED_CA_FOR_DOMAIN";
    public const string AlreadyExists = "CERTIFICATE_ALREADY_EXISTS";

    // What a failed path means to the uploader: a CA upload whose issuer chain does not reach a stored ROOT,
    // or a partner/chip certificate with no valid path. The message keeps the detailed cause.
    public const string RootCaNotFound = "ROOT_CA_NOT_FOUND";
    public const string TrustPathNotFound = "TRUST_PATH_NOT_FOUND";

    // Path building (DomainTrustStore.BuildPath).
    public const string IssuerNotTrusted = "ISSUER_NOT_TRUSTED";
    public const string IssuerNotCa = "ISSUER_NOT_CA";
    public const string PathLengthExceeded = "PATH_LENGTH_EXCEEDED";
    public const string PathTooLong = "PATH_TOO_LONG";
}

/// <summary>MOSIP keymanager's error codes (PartnerCertManagerErrorConstants), carried for clients that know them.</summary>
public static class MosipErrorCodes
{
    public const string InvalidCertificate = "KER-PCM-001";
    public const string CertificateExists = "KER-PCM-003";
    public const string CertificateDatesNotValid = "KER-PCM-004";
    public const string RootCaNotFound = "KER-PCM-005";
    public const string RootOrIntermediateCaNotFound = "KER-PCM-006";
    public const string InvalidCertificateVersion = "KER-PCM-007";
    public const string PartnerOrganizationMismatch = "KER-PCM-008";
    public const string KeySizeNotAllowed = "KER-PCM-013";
    public const string SignatureAlgorithmNotAllowed = "KER-PCM-014";
    public const string SelfSignedNotAllowed = "KER-PCM-015";
    public const string CaValidityTooShort = "KER-PCM-017";
    public const string FutureDatedNotAllowed = "KER-PMS-020";
    public const string PartnerValidityTooShort = "KER-KMS-021";
}
