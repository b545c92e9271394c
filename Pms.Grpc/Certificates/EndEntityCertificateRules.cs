namespace Pms.Grpc.Certificates;

/// <summary>Settings of the partner and FTM chip certificate rules.</summary>
public sealed class EndEntityCertificateRulesOptions
{
    /// <summary>A partner or chip certificate must stay valid at least this long (MOSIP: 365 − 30 days, KER-KMS-021).</summary>
    public TimeSpan MinimumRemainingValidity { get; set; } = TimeSpan.FromDays(335);
}

/// <summary>An accepted partner or chip certificate and its validated path to a ROOT of the domain.</summary>
public sealed record EndEntityCertificateDecision(ParsedCertificate Certificate, TrustPathResult Path);

/// <summary>
/// The rules for a partner's certificate and an FTM chip's certificate (MOSIP keymanager's partner certificate
/// rules, with the organisation really checked and a full RFC 5280 path).
/// </summary>
public sealed class EndEntityCertificateRules(TimeProvider timeProvider, EndEntityCertificateRulesOptions? options = null)
{
    private readonly EndEntityCertificateRulesOptions _options = options ?? new EndEntityCertificateRulesOptions();

    /// <summary>
    /// Checks uploaded certificates: the leaf (<see cref="CertificateBundle.SelectLeaf"/>) against the rules, the
    /// others as intermediates that may help build its path.
    /// </summary>
    /// <exception cref="CertificateValidationException">The first rule it breaks.</exception>
    public EndEntityCertificateDecision Check(IReadOnlyList<ParsedCertificate> uploaded, string expectedOrganization, DomainTrustStore trustStore)
    {
        ArgumentNullException.ThrowIfNull(uploaded);
        var leaf = CertificateBundle.SelectLeaf(uploaded);
        var extras = uploaded.Where(c => !ReferenceEquals(c, leaf)).ToArray();
        return Check(leaf, extras, expectedOrganization, trustStore);
    }

    /// <summary>
    /// In order: not self-signed (KER-PCM-015); within its validity (KER-PCM-004, KER-PMS-020); RSA ≥ 2048 and
    /// accepted key types (KER-PCM-013); SHA-2/ECDSA/Ed25519 signature (KER-PCM-014); subject O= equal to
    /// <paramref name="expectedOrganization"/>, exactly (KER-PCM-008); enough validity left (KER-KMS-021); a ROOT in
    /// the domain (NO_TRUSTED_CA_FOR_DOMAIN); a full path to it (KER-PCM-006).
    /// </summary>
    /// <exception cref="CertificateValidationException">The first rule it breaks.</exception>
    public EndEntityCertificateDecision Check(
        ParsedCertificate certificate,
        IReadOnlyList<ParsedCertificate> extraIntermediates,
        string expectedOrganization,
        DomainTrustStore trustStore)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(extraIntermediates);
        ArgumentNullException.ThrowIfNull(expectedOrganization);
        ArgumentNullException.ThrowIfNull(trustStore);

        var now = timeProvider.GetUtcNow();
        if (CheckAlone(certificate, expectedOrganization, now) is { } violation)
        {
            CertificateValidationException.Throw(violation);
        }

        if (!trustStore.HasRoot)
        {
            CertificateValidationException.Throw(new CertificateRuleViolation(
                CertificateReasons.NoTrustedCaForDomain,
                MosipErrorCodes.RootOrIntermediateCaNotFound,
                $"Domain {trustStore.Domain} has no ROOT CA certificate yet; the partner admin must upload the CA certificates first.",
                CertificateViolationKind.FailedPrecondition));
        }

        var path = trustStore.BuildPath(certificate, extraIntermediates, now);
        if (path.Failure is { } failure)
        {
            CertificateValidationException.Throw(failure with
            {
                Reason = CertificateReasons.TrustPathNotFound,
                Cause = failure.Reason,
                MosipErrorCode = MosipErrorCodes.RootOrIntermediateCaNotFound,
            });
        }

        return new EndEntityCertificateDecision(certificate, path);
    }

    /// <summary>The rules that need no trust store; the first one broken, or null.</summary>
    public CertificateRuleViolation? CheckAlone(ParsedCertificate certificate, string expectedOrganization, DateTimeOffset now)
    {
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
