using Pms.Grpc.Infrastructure;

namespace Pms.Grpc.Certificates;

/// <summary>
/// The CA certificates of one partner domain, indexed for path building: by canonical subject name and by
/// subjectKeyIdentifier, with the signatures between stored certificates verified once, when the store is
/// built. Immutable: build a new one (or call <see cref="With"/>) when the stored certificates change, and
/// share it between threads freely.
/// </summary>
public sealed partial class DomainTrustStore
{
    private static readonly Node[] NoNodes = [];

    // Verdicts of signature checks on certificates that are not stored (leaves, extra intermediates), keyed by the
    // two SHA-256 thumbprints. A verdict depends on nothing else, so one process-wide cache serves every snapshot;
    // internal services ask about the same certificates again and again. Least recently used verdicts go first.
    internal const int SignatureCacheCapacity = 10_000;
    private static readonly BoundedLruCache<(string Child, string Issuer), bool> SignatureCache = new(SignatureCacheCapacity);
    private static long _lastVersion;

    private readonly Node[] _nodes;
    private readonly Dictionary<string, Node[]> _bySubject;
    private readonly Dictionary<ReadOnlyMemory<byte>, string> _subjectKeyByNameDer;
    private readonly Dictionary<string, Node[]> _bySubjectKeyIdentifier;
    private readonly Dictionary<string, Node> _byThumbprint;
    private readonly Dictionary<Guid, Node> _byId;

    private DomainTrustStore(string domain, IEnumerable<TrustStoreEntry> entries)
    {
        Domain = domain;
        Version = Interlocked.Increment(ref _lastVersion);
        _byId = [];
        _byThumbprint = new(StringComparer.Ordinal);
        var nodes = new List<Node>();
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry);
            if (_byId.ContainsKey(entry.Id))
            {
                throw new ArgumentException($"Trust store entry {entry.Id} appears twice.", nameof(entries));
            }

            var node = new Node(entry);
            nodes.Add(node);
            _byId.Add(entry.Id, node);
            // The same certificate stored twice in one domain is not expected (KER-PCM-003); keep the first.
            _byThumbprint.TryAdd(entry.Certificate.ThumbprintSha256, node);
        }

        _nodes = [.. nodes];
        Entries = [.. nodes.Select(n => n.Entry)];
        HasRoot = nodes.Any(n => n.Entry.Kind == CaCertificateKind.Root);

        // Newest first: when a CA was re-issued under the same name, the current one is tried first.
        _bySubject = nodes
            .GroupBy(n => n.Certificate.SubjectKey, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(n => n.Certificate.NotAfter).ToArray(), StringComparer.Ordinal);
        // A certificate asked about names its issuer with the same bytes as the issuer's own subject nearly always:
        // then the canonical key is known without working it out for the asker (IssuerKeyOf).
        _subjectKeyByNameDer = new(DerBytesComparer.Instance);
        foreach (var node in nodes)
        {
            _subjectKeyByNameDer.TryAdd(node.Certificate.SubjectDer, node.Certificate.SubjectKey);
        }

        _bySubjectKeyIdentifier = nodes
            .Where(n => n.Certificate.SubjectKeyIdentifierHex is not null)
            .GroupBy(n => n.Certificate.SubjectKeyIdentifierHex!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(n => n.Certificate.NotAfter).ToArray(), StringComparer.Ordinal);

        foreach (var node in _nodes)
        {
            if (node.Entry.Kind == CaCertificateKind.Root)
            {
                continue;
            }

            node.VerifiedIssuers = [.. StoredCandidates(node.Certificate).Where(c => !ReferenceEquals(c, node) && node.Certificate.IsSignedBy(c.Certificate))];
        }
    }

    public static DomainTrustStore Empty(string domain) => new(domain, []);

    /// <summary>Builds the store of one domain from its stored rows (already parsed once, e.g. from the DER column).</summary>
    public static DomainTrustStore Create(string domain, IEnumerable<TrustStoreEntry> entries) => new(domain, entries);

    /// <summary>The partner domain (FTM, DEVICE, AUTH); used in messages.</summary>
    public string Domain { get; }

    /// <summary>Unique to this snapshot in this process: a cached answer made with another snapshot is not this one's.</summary>
    public long Version { get; }

    public IReadOnlyList<TrustStoreEntry> Entries { get; }

    public int Count => _nodes.Length;

    /// <summary>The domain has at least one ROOT: without one nothing can be trusted.</summary>
    public bool HasRoot { get; }

    /// <summary>A new store with one more entry (e.g. while a bundle is processed root-first).</summary>
    public DomainTrustStore With(TrustStoreEntry entry) => new(Domain, Entries.Append(entry));

    public TrustStoreEntry? FindById(Guid id) => _byId.TryGetValue(id, out var node) ? node.Entry : null;

    public TrustStoreEntry? FindByThumbprint(string thumbprintSha256) =>
        _byThumbprint.TryGetValue(thumbprintSha256, out var node) ? node.Entry : null;

    /// <summary>
    /// The stored issuers of a stored certificate up to a ROOT, issuer first, following the signatures checked
    /// when the store was built and ignoring validity dates (for downloads; use <see cref="BuildPath"/> to decide trust).
    /// Empty for a ROOT; stops early if the chain is broken.
    /// </summary>
    public IReadOnlyList<TrustStoreEntry> GetStoredIssuerChain(Guid id)
    {
        var chain = new List<TrustStoreEntry>();
        if (!_byId.TryGetValue(id, out var node))
        {
            return chain;
        }

        while (node.Entry.Kind != CaCertificateKind.Root && chain.Count < TrustPathLimits.MaxDepth)
        {
            var next = node.VerifiedIssuers.FirstOrDefault(i => !chain.Any(c => c.Id == i.Entry.Id) && i.Entry.Id != id);
            if (next is null)
            {
                break;
            }

            chain.Add(next.Entry);
            node = next;
        }

        return chain;
    }

    /// <summary>Builds and validates a path from <paramref name="certificate"/> to a stored ROOT at time <paramref name="at"/>.</summary>
    public TrustPathResult BuildPath(ParsedCertificate certificate, DateTimeOffset at) => BuildPath(certificate, [], at);

    /// <summary>
    /// Builds and validates an RFC 5280 path from <paramref name="certificate"/> to a stored ROOT, using stored
    /// intermediates and the <paramref name="extraIntermediates"/> sent with it. At every hop: issuer name
    /// (and AKI/SKI when both present), the issuer is a CA with keyCertSign where key usage is present, its
    /// pathLenConstraint, validity of every certificate at <paramref name="at"/>, accepted algorithms, the
    /// signature. Alternative issuers with the same name are tried in turn; the search is bounded.
    /// </summary>
    public TrustPathResult BuildPath(ParsedCertificate certificate, IReadOnlyList<ParsedCertificate> extraIntermediates, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(extraIntermediates);

        if (_byThumbprint.TryGetValue(certificate.ThumbprintSha256, out var stored) && stored.Entry.Kind == CaCertificateKind.Root)
        {
            return ValidityFailure(certificate, "ROOT CA certificate", at) is { } rootFailure
                ? TrustPathResult.Untrusted(certificate, rootFailure)
                : TrustPathResult.Trusted(certificate, [new TrustPathElement(certificate, stored.Entry.Id)]);
        }

        if (!HasRoot)
        {
            return TrustPathResult.Untrusted(certificate, new CertificateRuleViolation(
                CertificateReasons.IssuerNotTrusted,
                string.Empty,
                $"Domain {Domain} has no ROOT CA certificate, so '{certificate.Subject}' cannot chain to one (missing issuer '{certificate.Issuer}').",
                CertificateViolationKind.FailedPrecondition));
        }

        if (extraIntermediates.Count > TrustPathLimits.MaxExtraIntermediates)
        {
            return TrustPathResult.Untrusted(certificate, new CertificateRuleViolation(
                CertificateReasons.PathTooLong,
                string.Empty,
                $"{extraIntermediates.Count} intermediate certificates were sent; at most {TrustPathLimits.MaxExtraIntermediates} are considered."));
        }

        if (ValidityFailure(certificate, "Certificate", at) is { } validity)
        {
            return TrustPathResult.Untrusted(certificate, validity);
        }

        if (!certificate.IsSignatureAlgorithmAccepted)
        {
            return TrustPathResult.Untrusted(certificate, new CertificateRuleViolation(
                CertificateReasons.WeakSignatureAlgorithm,
                string.Empty,
                $"'{certificate.Subject}' is signed with {certificate.SignatureAlgorithm}; only SHA-256/384/512 with RSA or ECDSA, or Ed25519, are accepted."));
        }

        if (certificate.UnsupportedCriticalExtension is { } oid)
        {
            return TrustPathResult.Untrusted(certificate, UnsupportedExtension(certificate, oid));
        }

        var search = new Search(this, certificate, Distinct(certificate, extraIntermediates), at);
        return search.Run();
    }

    private List<ParsedCertificate> Distinct(ParsedCertificate certificate, IReadOnlyList<ParsedCertificate> extras)
    {
        var distinct = new List<ParsedCertificate>(extras.Count);
        foreach (var extra in extras)
        {
            if (extra.ThumbprintSha256 != certificate.ThumbprintSha256
                && !_byThumbprint.ContainsKey(extra.ThumbprintSha256)
                && !distinct.Exists(d => d.ThumbprintSha256 == extra.ThumbprintSha256))
            {
                distinct.Add(extra);
            }
        }

        return distinct;
    }

    // Stored certificates whose subject is the child's issuer and whose SKI does not contradict its AKI.
    private IEnumerable<Node> StoredCandidates(ParsedCertificate child)
    {
        var issuerKey = IssuerKeyOf(child);
        if (child.AuthorityKeyIdentifierHex is { } aki && _bySubjectKeyIdentifier.TryGetValue(aki, out var byKeyId))
        {
            foreach (var node in byKeyId)
            {
                if (node.Certificate.SubjectKey == issuerKey)
                {
                    yield return node;
                }
            }

            if (_bySubject.TryGetValue(issuerKey, out var sameName))
            {
                foreach (var node in sameName)
                {
                    if (node.Certificate.SubjectKeyIdentifierHex is null)
                    {
                        yield return node;
                    }
                }
            }

            yield break;
        }

        if (_bySubject.TryGetValue(issuerKey, out var bySubject))
        {
            foreach (var node in bySubject)
            {
                if (child.KeyIdentifierAllows(node.Certificate))
                {
                    yield return node;
                }
            }
        }
    }

    // Equal name DER means equal canonical keys (the key is worked out from the DER), so a stored subject's key serves.
    private string IssuerKeyOf(ParsedCertificate child) =>
        _subjectKeyByNameDer.TryGetValue(child.IssuerDer, out var key) ? key : child.IssuerKey;

    private static CertificateRuleViolation? ValidityFailure(ParsedCertificate certificate, string role, DateTimeOffset at)
    {
        if (at < certificate.NotBefore)
        {
            return new CertificateRuleViolation(
                CertificateReasons.NotYetValid,
                string.Empty,
                $"{role} '{certificate.Subject}' is not valid before {certificate.NotBefore:u}.");
        }

        if (at > certificate.NotAfter)
        {
            return new CertificateRuleViolation(
                CertificateReasons.Expired,
                string.Empty,
                $"{role} '{certificate.Subject}' expired on {certificate.NotAfter:u}.");
        }

        return null;
    }

    private static CertificateRuleViolation UnsupportedExtension(ParsedCertificate certificate, string oid) =>
        new(CertificateReasons.UnsupportedCriticalExtension,
            string.Empty,
            $"'{certificate.Subject}' has a critical extension {oid} that PMS does not process.");

    private sealed class Node(TrustStoreEntry entry)
    {
        public TrustStoreEntry Entry { get; } = entry;

        public ParsedCertificate Certificate => Entry.Certificate;

        // Stored certificates whose name, key identifier and signature fit as this certificate's issuer.
        public Node[] VerifiedIssuers { get; set; } = NoNodes;
    }
}
