namespace Pms.Grpc.Certificates;

/// <summary>ROOT (a self-signed trust anchor) or INTERMEDIATE.</summary>
public enum CaCertificateKind
{
    Root,
    Intermediate,
}

/// <summary>One stored CA certificate of a domain, as the trust store knows it.</summary>
public sealed record TrustStoreEntry(Guid Id, ParsedCertificate Certificate, CaCertificateKind Kind);

/// <summary>One certificate of a trust path; <see cref="StoredId"/> is null for an intermediate sent along with the certificate.</summary>
public readonly record struct TrustPathElement(ParsedCertificate Certificate, Guid? StoredId);

/// <summary>Limits that keep path building bounded whatever a caller sends.</summary>
public static class TrustPathLimits
{
    /// <summary>At most this many issuers above the certificate (the root included).</summary>
    public const int MaxDepth = 8;

    /// <summary>Signature verifications one path search may spend on certificates not checked in advance.</summary>
    public const int MaxSignatureChecks = 64;

    /// <summary>Extra intermediates accepted alongside one certificate.</summary>
    public const int MaxExtraIntermediates = 16;
}

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

/// <summary>
/// The CA certificates of one partner domain, indexed for path building: by canonical subject name and by
/// subjectKeyIdentifier, with the signatures between stored certificates verified once, when the store is
/// built. Immutable: build a new one (or call <see cref="With"/>) when the stored certificates change, and
/// share it between threads freely.
/// </summary>
public sealed class DomainTrustStore
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
        if (child.AuthorityKeyIdentifierHex is { } aki && _bySubjectKeyIdentifier.TryGetValue(aki, out var byKeyId))
        {
            foreach (var node in byKeyId)
            {
                if (node.Certificate.SubjectKey == child.IssuerKey)
                {
                    yield return node;
                }
            }

            if (_bySubject.TryGetValue(child.IssuerKey, out var sameName))
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

        if (_bySubject.TryGetValue(child.IssuerKey, out var bySubject))
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

    private static bool? TryGetCachedSignature(ParsedCertificate child, ParsedCertificate issuer) =>
        SignatureCache.TryGet((child.ThumbprintSha256, issuer.ThumbprintSha256), out var verified) ? verified : null;

    private static bool VerifyAndCache(ParsedCertificate child, ParsedCertificate issuer)
    {
        var verified = child.IsSignedBy(issuer);
        SignatureCache.Set((child.ThumbprintSha256, issuer.ThumbprintSha256), verified);
        return verified;
    }

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

    // One depth-first search; the arrays hold the path under construction (index 0 is the certificate itself).
    private sealed class Search(DomainTrustStore store, ParsedCertificate certificate, List<ParsedCertificate> extras, DateTimeOffset at)
    {
        private readonly ParsedCertificate[] _path = new ParsedCertificate[TrustPathLimits.MaxDepth + 1];
        private readonly Node?[] _nodes = new Node?[TrustPathLimits.MaxDepth + 1];
        private int _signatureChecks;
        private bool _budgetExhausted;
        private CertificateRuleViolation? _failure;
        private int _failureDepth = -1;

        public TrustPathResult Run()
        {
            _path[0] = certificate;
            _nodes[0] = store._byThumbprint.GetValueOrDefault(certificate.ThumbprintSha256);
            if (Extend(0, 0, out var length))
            {
                var chain = new TrustPathElement[length];
                for (var i = 0; i < length; i++)
                {
                    chain[i] = new TrustPathElement(_path[i + 1], _nodes[i + 1]?.Entry.Id);
                }

                return TrustPathResult.Trusted(certificate, chain);
            }

            return TrustPathResult.Untrusted(certificate, _failure ?? new CertificateRuleViolation(
                CertificateReasons.IssuerNotTrusted,
                string.Empty,
                $"No path from '{certificate.Subject}' to a ROOT CA certificate of domain {store.Domain}.",
                CertificateViolationKind.FailedPrecondition));
        }

        // Finds an issuer for _path[depth]; on success `length` is the number of issuers in the path.
        private bool Extend(int depth, int intermediatesBelow, out int length)
        {
            length = 0;
            var child = _path[depth];
            var childNode = _nodes[depth];
            var anyCandidate = false;

            var storedCandidates = childNode is not null ? childNode.VerifiedIssuers : store.StoredCandidates(child);
            foreach (var node in storedCandidates)
            {
                anyCandidate = true;
                if (TryCandidate(depth, intermediatesBelow, node.Certificate, node, signatureVerified: childNode is not null, out length))
                {
                    return true;
                }

                if (_budgetExhausted)
                {
                    return false;
                }
            }

            foreach (var extra in extras)
            {
                if (extra.SubjectKey != child.IssuerKey || !child.KeyIdentifierAllows(extra))
                {
                    continue;
                }

                anyCandidate = true;
                if (TryCandidate(depth, intermediatesBelow, extra, null, signatureVerified: false, out length))
                {
                    return true;
                }

                if (_budgetExhausted)
                {
                    return false;
                }
            }

            if (!anyCandidate)
            {
                Fail(depth + 1, new CertificateRuleViolation(
                    CertificateReasons.IssuerNotTrusted,
                    string.Empty,
                    $"The issuer '{child.Issuer}' of '{child.Subject}' is not a trusted CA certificate of domain {store.Domain}.",
                    CertificateViolationKind.FailedPrecondition));
            }

            return false;
        }

        private bool TryCandidate(int depth, int intermediatesBelow, ParsedCertificate issuer, Node? node, bool signatureVerified, out int length)
        {
            length = 0;
            var child = _path[depth];
            for (var i = 0; i <= depth; i++)
            {
                if (ReferenceEquals(_path[i], issuer) || string.Equals(_path[i].ThumbprintSha256, issuer.ThumbprintSha256, StringComparison.Ordinal))
                {
                    return false; // a loop: this branch leads nowhere new
                }
            }

            var hop = depth + 1;
            var role = node?.Entry.Kind == CaCertificateKind.Root ? "ROOT CA certificate" : "Intermediate CA certificate";
            if (!issuer.IsCa)
            {
                return Fail(hop, new CertificateRuleViolation(
                    CertificateReasons.IssuerNotCa,
                    string.Empty,
                    $"{role} '{issuer.Subject}' that issued '{child.Subject}' is not a CA (basicConstraints CA:TRUE missing)."));
            }

            if (issuer.HasKeyUsage && !issuer.AllowsKeyCertSign)
            {
                return Fail(hop, new CertificateRuleViolation(
                    CertificateReasons.KeyCertSignMissing,
                    string.Empty,
                    $"{role} '{issuer.Subject}' that issued '{child.Subject}' has key usage without keyCertSign."));
            }

            if (issuer.PathLengthConstraint is { } pathLength && intermediatesBelow > pathLength)
            {
                return Fail(hop, new CertificateRuleViolation(
                    CertificateReasons.PathLengthExceeded,
                    string.Empty,
                    $"{role} '{issuer.Subject}' allows {pathLength} intermediate CA certificate(s) below it (pathLenConstraint) but the path has {intermediatesBelow}."));
            }

            if (ValidityFailure(issuer, role, at) is { } validity)
            {
                return Fail(hop, validity);
            }

            if (!issuer.IsKeyAccepted)
            {
                return Fail(hop, new CertificateRuleViolation(
                    CertificateReasons.WeakKey,
                    string.Empty,
                    $"{role} '{issuer.Subject}' has a {issuer.Key} key; RSA ≥ 2048, EC P-256/P-384/P-521 or Ed25519 is required."));
            }

            if (node is null)
            {
                if (issuer.UnsupportedCriticalExtension is { } oid)
                {
                    return Fail(hop, UnsupportedExtension(issuer, oid));
                }

                if (!issuer.IsSignatureAlgorithmAccepted)
                {
                    return Fail(hop, new CertificateRuleViolation(
                        CertificateReasons.WeakSignatureAlgorithm,
                        string.Empty,
                        $"Intermediate CA certificate '{issuer.Subject}' is signed with {issuer.SignatureAlgorithm}."));
                }
            }

            if (!signatureVerified)
            {
                if (TryGetCachedSignature(child, issuer) is { } cached)
                {
                    if (!cached)
                    {
                        return Fail(hop, InvalidSignature(child, issuer, role));
                    }
                }
                else if (++_signatureChecks > TrustPathLimits.MaxSignatureChecks)
                {
                    _budgetExhausted = true;
                    _failure = new CertificateRuleViolation(
                        CertificateReasons.PathTooLong,
                        string.Empty,
                        $"Gave up building a path for '{certificate.Subject}' after {TrustPathLimits.MaxSignatureChecks} signature checks.");
                    return false;
                }
                else if (!VerifyAndCache(child, issuer))
                {
                    return Fail(hop, InvalidSignature(child, issuer, role));
                }
            }

            _path[hop] = issuer;
            _nodes[hop] = node;
            if (node?.Entry.Kind == CaCertificateKind.Root)
            {
                length = hop;
                return true;
            }

            if (hop >= TrustPathLimits.MaxDepth)
            {
                return Fail(hop, new CertificateRuleViolation(
                    CertificateReasons.PathTooLong,
                    string.Empty,
                    $"No ROOT CA certificate within {TrustPathLimits.MaxDepth} issuers of '{certificate.Subject}'."));
            }

            // Self-issued intermediates (key rollover) do not count against pathLenConstraint (RFC 5280 §6.1.4).
            var below = issuer.IsSelfIssued ? intermediatesBelow : intermediatesBelow + 1;
            if (Extend(hop, below, out length))
            {
                return true;
            }

            _path[hop] = null!;
            _nodes[hop] = null;
            return false;
        }

        private static CertificateRuleViolation InvalidSignature(ParsedCertificate child, ParsedCertificate issuer, string role) =>
            new(CertificateReasons.InvalidSignature,
                string.Empty,
                $"The signature of '{child.Subject}' does not verify with the key of {role.ToLowerInvariant()} '{issuer.Subject}'.");

        // Keeps the failure found furthest along any path: it says most about what is missing.
        private bool Fail(int depth, CertificateRuleViolation failure)
        {
            if (depth > _failureDepth)
            {
                _failureDepth = depth;
                _failure = failure;
            }

            return false;
        }
    }
}
