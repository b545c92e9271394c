namespace Pms.Grpc.Certificates;

/// <summary>The answer of <see cref="DomainTrustStore.BuildPath"/>.</summary>
public sealed class TrustPathResult
{
    private TrustPathResult(ParsedCertificate certificate, IReadOnlyList<TrustPathElement> chain, CertificateRuleViolation? failure)
    {
        Certificate = certificate;
        Chain = chain;
        Failure = failure;
    }

    public bool IsTrusted => Failure is null;

    /// <summary>The certificate the path was built for.</summary>
    public ParsedCertificate Certificate { get; }

    /// <summary>Its issuer first, ending at a stored ROOT; empty when untrusted. A stored ROOT asked about itself has a chain of itself.</summary>
    public IReadOnlyList<TrustPathElement> Chain { get; }

    /// <summary>The stored ids in <see cref="Chain"/>, in chain order (extra intermediates have none).</summary>
    public IReadOnlyList<Guid> StoredIds => [.. Chain.Where(e => e.StoredId is not null).Select(e => e.StoredId!.Value)];

    /// <summary>The stored id of the certificate's direct issuer, when that issuer is stored.</summary>
    public Guid? IssuerId => Chain.Count > 0 && !ReferenceEquals(Chain[0].Certificate, Certificate) ? Chain[0].StoredId : null;

    /// <summary>Why the path could not be built (reason, message, kind; no MOSIP code: the caller's context gives that).</summary>
    public CertificateRuleViolation? Failure { get; }

    /// <summary>A sentence for people: why it is trusted, or why not.</summary>
    public string Reason => Failure?.Message
        ?? (Chain.Count == 1 && ReferenceEquals(Chain[0].Certificate, Certificate)
            ? $"Trusted: '{Certificate.Subject}' is a ROOT CA certificate of the trust store."
            : $"Trusted: '{Certificate.Subject}' chains to ROOT '{Chain[^1].Certificate.Subject}' through {Chain.Count} certificate(s).");

    internal static TrustPathResult Trusted(ParsedCertificate certificate, IReadOnlyList<TrustPathElement> chain) => new(certificate, chain, null);

    internal static TrustPathResult Untrusted(ParsedCertificate certificate, CertificateRuleViolation failure) => new(certificate, [], failure);
}
