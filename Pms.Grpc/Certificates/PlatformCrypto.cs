using System.Collections.Concurrent;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;

namespace Pms.Grpc.Certificates;

/// <summary>
/// The signature algorithms PMS meets every day — SHA-256/384/512 with RSA (PKCS#1 v1.5) or with ECDSA — verified and
/// signed by the platform (System.Security.Cryptography: OpenSSL on Linux), many times faster than managed code. What
/// the platform does not do the same way (Ed25519, RSASSA-PSS with its parameters, DSA, unusual encodings) stays with
/// BouncyCastle; see docs/certificates.md, "Where BouncyCastle remains".
/// </summary>
internal static class PlatformSignatureAlgorithms
{
    public static HashAlgorithmName? RsaPkcs1Hash(DerObjectIdentifier oid) =>
        oid.Equals(PkcsObjectIdentifiers.Sha256WithRsaEncryption) ? HashAlgorithmName.SHA256
        : oid.Equals(PkcsObjectIdentifiers.Sha384WithRsaEncryption) ? HashAlgorithmName.SHA384
        : oid.Equals(PkcsObjectIdentifiers.Sha512WithRsaEncryption) ? HashAlgorithmName.SHA512
        : null;

    /// <summary>
    /// How the platform verifies this algorithm, or null when it does not: PKCS#1 v1.5 with NULL (or, tolerated, absent)
    /// parameters, ECDSA without parameters.
    /// </summary>
    public static PlatformSignature? Of(AlgorithmIdentifier algorithm) =>
        RsaPkcs1Hash(algorithm.Algorithm) is { } rsaHash
            ? algorithm.Parameters is null or DerNull ? new PlatformSignature(true, rsaHash) : null
            : EcdsaHash(algorithm.Algorithm) is { } ecHash && algorithm.Parameters is null ? new PlatformSignature(false, ecHash) : null;

    public static HashAlgorithmName? EcdsaHash(DerObjectIdentifier oid) =>
        oid.Equals(X9ObjectIdentifiers.ECDsaWithSha256) ? HashAlgorithmName.SHA256
        : oid.Equals(X9ObjectIdentifiers.ECDsaWithSha384) ? HashAlgorithmName.SHA384
        : oid.Equals(X9ObjectIdentifiers.ECDsaWithSha512) ? HashAlgorithmName.SHA512
        : null;
}

/// <summary>
/// A certificate's public key as platform RSA or ECDsa objects, kept with the (immutable, shared) <see cref="ParsedCertificate"/>.
/// The platform does not promise that one key object may be used from several threads at once, and a trust store's
/// intermediate checks the signature of nearly every leaf asked about: one object behind a lock made every
/// verification of the replica wait for the one before it (the profile of verify_distinct showed callers queued on
/// that lock, spinning, for longer than the RSA verification itself). So each verification rents an object of its
/// own from a small pool, imported from the same SubjectPublicKeyInfo; a few more than the cores are kept.
/// </summary>
internal sealed class PlatformPublicKey
{
    private static readonly int MaxIdle = Math.Max(4, Environment.ProcessorCount * 4);

    private readonly byte[] _subjectPublicKeyInfo;
    private readonly bool _isRsa;
    private readonly ConcurrentQueue<AsymmetricAlgorithm> _idle = new();
    private int _idleCount;

    private PlatformPublicKey(byte[] subjectPublicKeyInfo, bool isRsa, AsymmetricAlgorithm first)
    {
        _subjectPublicKeyInfo = subjectPublicKeyInfo;
        _isRsa = isRsa;
        Return(first);
    }

    /// <summary>The key, or null when it is not an RSA or EC key the platform imports (BouncyCastle is used then).</summary>
    public static PlatformPublicKey? TryCreate(ReadOnlyMemory<byte> subjectPublicKeyInfo)
    {
        try
        {
            var der = subjectPublicKeyInfo.ToArray();
            var algorithm = SubjectPublicKeyInfo.GetInstance(Asn1Object.FromByteArray(der)).Algorithm.Algorithm;
            var isRsa = algorithm.Equals(PkcsObjectIdentifiers.RsaEncryption);
            if (!isRsa && !algorithm.Equals(X9ObjectIdentifiers.IdECPublicKey))
            {
                return null;
            }

            return new PlatformPublicKey(der, isRsa, Import(der, isRsa));
        }
        // PlatformNotSupportedException: an EC key on a curve OpenSSL does not know (found by fuzzing).
        catch (Exception ex) when (ex is CryptographicException or IOException or ArgumentException or PlatformNotSupportedException)
        {
            // A key the platform cannot import: BouncyCastle decides (and normally refuses) it.
            return null;
        }
    }

    /// <summary>
    /// True or false when the platform can judge this signature algorithm with this key; null when it cannot (then
    /// BouncyCastle verifies). A key of the wrong type for the algorithm is false, as BouncyCastle would answer.
    /// </summary>
    public bool? Verify(AlgorithmIdentifier signatureAlgorithm, ReadOnlySpan<byte> signedData, ReadOnlySpan<byte> signature) =>
        PlatformSignatureAlgorithms.Of(signatureAlgorithm) is { } algorithm ? Verify(algorithm, signedData, signature) : null;

    /// <inheritdoc cref="Verify(AlgorithmIdentifier, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>
    public bool Verify(PlatformSignature algorithm, ReadOnlySpan<byte> signedData, ReadOnlySpan<byte> signature)
    {
        if (algorithm.IsRsa != _isRsa)
        {
            return false;
        }

        var key = Rent();
        try
        {
            return _isRsa
                ? ((RSA)key).VerifyData(signedData, signature, algorithm.Hash, RSASignaturePadding.Pkcs1)
                : ((ECDsa)key).VerifyData(signedData, signature, algorithm.Hash, DSASignatureFormat.Rfc3279DerSequence);
        }
        finally
        {
            Return(key);
        }
    }

    private AsymmetricAlgorithm Rent()
    {
        if (_idle.TryDequeue(out var key))
        {
            Interlocked.Decrement(ref _idleCount);
            return key;
        }

        // Imported once already, so this cannot fail for a reason the first import did not.
        return Import(_subjectPublicKeyInfo, _isRsa);
    }

    private void Return(AsymmetricAlgorithm key)
    {
        if (Interlocked.Increment(ref _idleCount) <= MaxIdle)
        {
            _idle.Enqueue(key);
            return;
        }

        Interlocked.Decrement(ref _idleCount);
        key.Dispose();
    }

    private static AsymmetricAlgorithm Import(byte[] subjectPublicKeyInfo, bool isRsa)
    {
        AsymmetricAlgorithm key = isRsa ? RSA.Create() : ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}

/// <summary>
/// Signs certificates that BouncyCastle's generator builds (so their structure stays exactly as before) with a platform
/// RSA or ECDsa private key: PMS's signing CA signs every MOSIP-signed certificate, and managed RSA 3072 signing cost
/// tens of milliseconds each. Keys of other types sign with BouncyCastle.
/// </summary>
internal sealed class PlatformSignatureFactory : ISignatureFactory
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ecdsa;
    private readonly HashAlgorithmName _hash;
    private readonly Lock _gate = new();

    private PlatformSignatureFactory(AlgorithmIdentifier algorithm, RSA? rsa, ECDsa? ecdsa, HashAlgorithmName hash)
    {
        AlgorithmDetails = algorithm;
        _rsa = rsa;
        _ecdsa = ecdsa;
        _hash = hash;
    }

    public object AlgorithmDetails { get; }

    /// <summary>
    /// A factory for <paramref name="algorithmName"/> ("SHA256WITHRSA", "SHA384WITHECDSA", ...): the platform's when the
    /// key is RSA or EC and the algorithm one of <see cref="PlatformSignatureAlgorithms"/>, else BouncyCastle's.
    /// </summary>
    public static ISignatureFactory Create(string algorithmName, AsymmetricKeyParameter privateKey)
    {
        // BouncyCastle's own factory names the algorithm exactly as before (OID and parameters), and signs what the platform cannot.
        var bouncyCastle = new Asn1SignatureFactory(algorithmName, privateKey, new SecureRandom());
        var algorithm = (AlgorithmIdentifier)bouncyCastle.AlgorithmDetails;
        var oid = algorithm.Algorithm;
        if (privateKey is RsaPrivateCrtKeyParameters && PlatformSignatureAlgorithms.RsaPkcs1Hash(oid) is { } rsaHash)
        {
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(Pkcs8(privateKey), out _);
            return new PlatformSignatureFactory(algorithm, rsa, null, rsaHash);
        }

        if (privateKey is ECPrivateKeyParameters && PlatformSignatureAlgorithms.EcdsaHash(oid) is { } ecHash)
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(Pkcs8(privateKey), out _);
            return new PlatformSignatureFactory(algorithm, null, ecdsa, ecHash);
        }

        return bouncyCastle;
    }

    public IStreamCalculator<IBlockResult> CreateCalculator() => new Calculator(this);

    private static byte[] Pkcs8(AsymmetricKeyParameter privateKey) =>
        PrivateKeyInfoFactory.CreatePrivateKeyInfo(privateKey).GetEncoded(Asn1Encodable.Der);

    private byte[] Sign(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            return _rsa is not null
                ? _rsa.SignData(data, _hash, RSASignaturePadding.Pkcs1)
                : _ecdsa!.SignData(data, _hash, DSASignatureFormat.Rfc3279DerSequence);
        }
    }

    // BouncyCastle writes the TBSCertificate's DER into the stream, then asks for the signature.
    private sealed class Calculator(PlatformSignatureFactory factory) : IStreamCalculator<IBlockResult>
    {
        private readonly MemoryStream _stream = new();

        public Stream Stream => _stream;

        // BouncyCastle closes the stream before asking; ToArray still works on a closed MemoryStream.
        public IBlockResult GetResult() => new SimpleBlockResult(factory.Sign(_stream.ToArray()));
    }
}
