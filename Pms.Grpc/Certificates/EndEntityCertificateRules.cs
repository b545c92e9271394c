namespace Pms.Grpc.Certificates;

/// <summary>Settings of the partner and FTM chip certificate rules.</summary>
public sealed class EndEntityCertificateRulesOptions
{
    /// <summary>A partner or chip certificate must stay valid at least this long (MOSIP: 365 − 30 days, KER-KMS-021).</summary>
    public TimeSpan MinimumRemainingValidity { get; set; } = TimeSpan.FromDays(335);
}

/// <summary>An accepted partner or chip certificate and its validated path to a ROOT of the domain.</summary>
public sealed record EndEntityCertificateDecision(ParsedCertificate Certificate, TrustPathResult Path);

/// <summary>A leaf certificate as uploaded or asked about, with the other certificates sent along as intermediates that may help its path.</summary>
public sealed record EndEntityInput(ParsedCertificate Leaf, IReadOnlyList<ParsedCertificate> Intermediates)
{
    /// <summary>The leaf of an upload (<see cref="CertificateBundle.SelectLeaf"/>) and the others, in the order sent.</summary>
    public static EndEntityInput From(IReadOnlyList<ParsedCertificate> certificates)
    {
        var leaf = CertificateBundle.SelectLeaf(certificates);
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
}

/// <summary>
/// The rules for a partner's certificate and an FTM chip's certificate (MOSIP keymanager's partner certificate
/// rules, with the organisation really checked and a full RFC 5280 path).
/// </summary>
public sealed class EndEntityCertificateRules(TimeProvider timeProvider, EndEntityCertificateRulesOptions? options = null)
{
    private readonly EndEntityCertificateRulesOptions _options = options ?? new EndEntityCertificateRulesOptions();

    /// <summary>
    /// In order: the rules of <see cref="CheckCertificate"/> on the leaf; a ROOT in the domain (NO_TRUSTED_CA_FOR_DOMAIN,
    /// KER-PCM-006); a full path to it, the intermediates sent along allowed to help (TRUST_PATH_NOT_FOUND, KER-PCM-006,
    /// the path's own failure as its cause).
    /// </summary>
    public Checked<EndEntityCertificateDecision> Check(EndEntityInput input, string expectedOrganization, DomainTrustStore trustStore)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(expectedOrganization);
        ArgumentNullException.ThrowIfNull(trustStore);

        var now = timeProvider.GetUtcNow();
        if (CheckCertificate(input.Leaf, expectedOrganization, now) is { } violation)
        {
            return violation;
        }

        if (!trustStore.HasRoot)
        {
            return new CertificateRuleViolation(
                CertificateReasons.NoTrustedCaForDomain,
                MosipErrorCodes.RootOrIntermediateCaNotFound,
                $"Domain {trustStore.Domain} has no ROOT CA certificate yet; the partner admin must upload the CA certificates first.",
                CertificateViolationKind.FailedPrecondition);
        }

        var path = trustStore.BuildPath(input.Leaf, input.Intermediates, now);
        if (path.Failure is { } failure)
        {
            return failure with
            {
                Reason = CertificateReasons.TrustPathNotFound,
                Cause = failure.Reason,
                MosipErrorCode = MosipErrorCodes.RootOrIntermediateCaNotFound,
            };
        }

        return new EndEntityCertificateDecision(input.Leaf, path);
    }

    /// <summary>
    /// The rules a partner or chip certificate must meet on its own, in order: not self-signed (KER-PCM-015); within
    /// its validity (KER-PCM-004, KER-PMS-020); RSA ≥ 2048 and accepted key types (KER-PCM-013); SHA-2/ECDSA/Ed25519
    /// signature (KER-PCM-014); subject O= equal to <paramref name="expectedOrganization"/>, exactly (KER-PCM-008);
    /// enough validity left (KER-KMS-021). The first one broken, or null.
    /// </summary>
    public CertificateRuleViolation? CheckCertificate(ParsedCertificate certificate, string expectedOrganization, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var name = $"Certificate '{certificate.Subject}'";
        if (certificate.IsSelfSigned)
        {
            return new(CertificateReasons.SelfSignedNotAllowed, MosipErrorCodes.SelfSignedNotAllowed,
                $"{name} is self-signed; a partner or chip certificate must be issued by a CA of the trust store.");
        }

        if (now < certificate.NotBefore)
        {
            return new(CertificateReasons.NotYetValid, MosipErrorCodes.FutureDatedNotAllowed,
                $"{name} is not valid before {certificate.NotBefore:u}.");
        }

        if (now > certificate.NotAfter)
        {
            return new(CertificateReasons.Expired, MosipErrorCodes.CertificateDatesNotValid,
                $"{name} expired on {certificate.NotAfter:u}.");
        }

        if (!certificate.IsKeyAccepted)
        {
            return new(CertificateReasons.WeakKey, MosipErrorCodes.KeySizeNotAllowed,
                $"{name} has a {certificate.Key} key; RSA ≥ 2048 bits, EC P-256/P-384/P-521 or Ed25519 is required.");
        }

        if (!certificate.IsSignatureAlgorithmAccepted)
        {
            return new(CertificateReasons.WeakSignatureAlgorithm, MosipErrorCodes.SignatureAlgorithmNotAllowed,
                $"{name} is signed with {certificate.SignatureAlgorithm}; only SHA-256/384/512 with RSA or ECDSA, or Ed25519, are accepted.");
        }

        if (certificate.Organizations.Count != 1 || !string.Equals(certificate.Organizations[0], expectedOrganization, StringComparison.Ordinal))
        {
            var actual = certificate.Organizations.Count switch
            {
                0 => "no O= attribute",
                1 => $"O={certificate.Organizations[0]}",
                _ => $"{certificate.Organizations.Count} O= attributes",
            };
            return new(CertificateReasons.OrganizationMismatch, MosipErrorCodes.PartnerOrganizationMismatch,
                $"{name} has {actual} but the registered organisation is '{expectedOrganization}'; they must match exactly.");
        }

        if (certificate.NotAfter - now < _options.MinimumRemainingValidity)
        {
            return new(CertificateReasons.ValidityTooShort, MosipErrorCodes.PartnerValidityTooShort,
                $"{name} expires on {certificate.NotAfter:u}; it must stay valid at least {_options.MinimumRemainingValidity.TotalDays:0} more days.");
        }

        return null;
    }
}
