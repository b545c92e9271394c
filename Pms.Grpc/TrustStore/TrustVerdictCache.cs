using System.Security.Cryptography;
using Pms.Grpc.Infrastructure;
using Pms.Grpc.Certificates;

namespace Pms.Grpc.TrustStore;

/// <summary>
/// VerifyCertificateTrust's answers, keyed by the SHA-256 of the bytes asked about and the trust store snapshot that
/// answered (<see cref="DomainTrustStore.Version"/>): a changed store is a new snapshot, so its answers start afresh.
/// An answer is kept only while it stays true with time: a trusted one until the first certificate on its path
/// expires; an untrusted one at most a minute, and never past a validity boundary of the certificate. Bounded
/// (least recently used answers go first).
/// </summary>
public sealed class TrustVerdictCache
{
    public const int Capacity = 10_000;
    private static readonly TimeSpan UntrustedLifetime = TimeSpan.FromMinutes(1);

    private readonly BoundedLruCache<(long StoreVersion, UInt128 Low, UInt128 High), (TrustVerdict Verdict, DateTimeOffset ValidUntil)> _cache = new(Capacity);

    public static (long StoreVersion, UInt128 Low, UInt128 High) KeyOf(DomainTrustStore store, ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, hash);
        return (store.Version, BitConverter.ToUInt128(hash), BitConverter.ToUInt128(hash[16..]));
    }

    public bool TryGet((long, UInt128, UInt128) key, DateTimeOffset now, out TrustVerdict verdict)
    {
        if (_cache.TryGet(key, out var entry))
        {
            if (now < entry.ValidUntil)
            {
                verdict = entry.Verdict;
                return true;
            }

            _cache.Remove(key);
        }

        verdict = null!;
        return false;
    }

    public void Add((long, UInt128, UInt128) key, TrustVerdict verdict, TrustPathResult path, DateTimeOffset now)
    {
        DateTimeOffset validUntil;
        if (path.IsTrusted)
        {
            validUntil = path.Certificate.NotAfter;
            foreach (var element in path.Chain)
            {
                validUntil = element.Certificate.NotAfter < validUntil ? element.Certificate.NotAfter : validUntil;
            }
        }
        else
        {
            var leaf = path.Certificate;
            validUntil = now + UntrustedLifetime;
            if (leaf.NotBefore > now && leaf.NotBefore < validUntil)
            {
                validUntil = leaf.NotBefore;
            }

            if (leaf.NotAfter > now && leaf.NotAfter < validUntil)
            {
                validUntil = leaf.NotAfter;
            }
        }

        if (validUntil > now)
        {
            _cache.Set(key, (verdict, validUntil));
        }
    }
}
