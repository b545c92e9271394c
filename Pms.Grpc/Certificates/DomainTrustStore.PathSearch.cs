namespace Pms.Grpc.Certificates;

/// <summary>The path search behind <see cref="DomainTrustStore.BuildPath(ParsedCertificate, IReadOnlyList{ParsedCertificate}, DateTimeOffset)"/>.</summary>
public sealed partial class DomainTrustStore
{
    private static bool? TryGetCachedSignature(ParsedCertificate child, ParsedCertificate issuer) =>
        SignatureCache.TryGet((child.ThumbprintSha256, issuer.ThumbprintSha256), out var verified) ? verified : null;

    private static bool VerifyAndCache(ParsedCertificate child, ParsedCertificate issuer)
    {
        var verified = child.IsSignedBy(issuer);
        SignatureCache.Set((child.ThumbprintSha256, issuer.ThumbprintSha256), verified);
        return verified;
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
                if (extra.SubjectKey != store.IssuerKeyOf(child) || !child.KeyIdentifierAllows(extra))
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
