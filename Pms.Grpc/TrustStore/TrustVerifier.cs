using Pms.Grpc.Certificates;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;

namespace Pms.Grpc.TrustStore;

/// <summary>
/// The answer to "is this certificate trusted in this domain?".
/// </summary>
/// <param name="Chain">For a trusted certificate, the stored ids on its path: its issuer first, up to the ROOT.</param>
/// <param name="ReasonCode">For an untrusted certificate, an UPPER_SNAKE certificate reason; empty when trusted.</param>
/// <param name="MosipErrorCode">For an untrusted certificate, MOSIP's code where it has one; empty when trusted.</param>
public sealed record TrustVerdict(bool Trusted, string Reason, IReadOnlyList<Guid> Chain, string ReasonCode, string MosipErrorCode);

/// <summary>
/// VerifyCertificateTrust, the call MOSIP's authentication and registration services make: an RFC 5280 path
/// over the cached trust store snapshot of the domain (no database round trip). An untrusted certificate is an
/// answer, not an error; only bytes that are not certificates (or too many of them) are refused. Answers about "now"
/// are remembered (<see cref="TrustVerdictCache"/>): the same bytes asked again against the same snapshot are answered
/// without parsing.
/// </summary>
public sealed class TrustVerifier(ITrustAnchors anchors, TimeProvider time, TrustStoreMetrics? metrics = null, TrustVerdictCache? cache = null)
{
    public async Task<TrustVerdict> VerifyAsync(PartnerDomain? requestedDomain, ReadOnlyMemory<byte> data, DateTimeOffset? validationTime,
        CancellationToken cancellationToken)
    {
        var domain = CertificateInput.CheckDomain(requestedDomain).OrRefuse();
        var cacheable = cache is not null && validationTime is null && data.Length <= CertificateParser.MaxCertificateDataBytes;
        DomainTrustStore? store = null;
        var key = default((long, UInt128, UInt128));
        if (cacheable)
        {
            // One snapshot and one hash of the bytes per call: the answer is worked out with, and kept under, that snapshot.
            store = await anchors.GetAsync(domain, cancellationToken);
            key = TrustVerdictCache.KeyOf(store, data.Span);
            if (cache!.TryGet(key, time.GetUtcNow(), out var remembered))
            {
                metrics?.Verified(domain, remembered.Trusted);
                return remembered;
            }
        }

        var (leaf, extras) = CertificateInput.ReadEndEntity(data, requireVersion3: false).OrRefuse();
        store ??= await anchors.GetAsync(domain, cancellationToken);
        var at = validationTime ?? time.GetUtcNow();
        var result = store.BuildPath(leaf, extras, at);
        metrics?.Verified(domain, result.IsTrusted);
        TrustVerdict verdict;
        if (result.IsTrusted)
        {
            verdict = new TrustVerdict(true, result.Reason, result.StoredIds, "", "");
        }
        else
        {
            var (reasonCode, mosipErrorCode) = Classify(store, leaf, result.Failure!, at);
            verdict = new TrustVerdict(false, result.Reason, [], reasonCode, mosipErrorCode);
        }

        if (cacheable)
        {
            cache!.Add(key, verdict, result, at);
        }

        return verdict;
    }

    /// <summary>
    /// What an untrusted answer means to the caller: a fault of the certificate itself (its own validity, signature
    /// algorithm, critical extensions) keeps its own reason; an empty trust store is NO_TRUSTED_CA_FOR_DOMAIN; any
    /// broken or missing link of the path is TRUST_PATH_NOT_FOUND (KER-PCM-006), its cause told in the reason text.
    /// </summary>
    internal static (string ReasonCode, string MosipErrorCode) Classify(DomainTrustStore store, ParsedCertificate leaf, CertificateRuleViolation failure, DateTimeOffset at) =>
        failure.Reason switch
        {
            _ when !store.HasRoot => (CertificateReasons.NoTrustedCaForDomain, MosipErrorCodes.RootOrIntermediateCaNotFound),
            CertificateReasons.Expired when at > leaf.NotAfter => (CertificateReasons.Expired, MosipErrorCodes.CertificateDatesNotValid),
            CertificateReasons.NotYetValid when at < leaf.NotBefore => (CertificateReasons.NotYetValid, MosipErrorCodes.FutureDatedNotAllowed),
            CertificateReasons.WeakSignatureAlgorithm when !leaf.IsSignatureAlgorithmAccepted =>
                (CertificateReasons.WeakSignatureAlgorithm, MosipErrorCodes.SignatureAlgorithmNotAllowed),
            CertificateReasons.UnsupportedCriticalExtension when leaf.UnsupportedCriticalExtension is not null =>
                (CertificateReasons.UnsupportedCriticalExtension, ""),
            _ => (CertificateReasons.TrustPathNotFound, MosipErrorCodes.RootOrIntermediateCaNotFound),
        };
}
