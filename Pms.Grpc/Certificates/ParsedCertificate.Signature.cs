using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;

namespace Pms.Grpc.Certificates;

/// <summary>Signature checks of a <see cref="ParsedCertificate"/>: by the platform where it can, by BouncyCastle otherwise.</summary>
public sealed partial class ParsedCertificate
{
    private AsymmetricKeyParameter? _publicKey;
    private PlatformPublicKey? _platformKey;
    private int _platformKeyState; // 0 not yet imported, 1 imported, 2 the platform cannot import it
    private int _selfSignature; // 0 not yet checked, 1 verifies with its own key, 2 does not

    /// <summary>Self-issued and its signature verifies with its own public key: a root candidate.</summary>
    public bool IsSelfSigned
    {
        get
        {
            var state = Volatile.Read(ref _selfSignature);
            if (state == 0)
            {
                state = IsSelfIssued && IsSignedBy(this) ? 1 : 2;
                Volatile.Write(ref _selfSignature, state);
            }

            return state == 1;
        }
    }

    /// <summary>The subject public key, or null when BouncyCastle cannot build it (unsupported or malformed key).</summary>
    public AsymmetricKeyParameter? PublicKey
    {
        get
        {
            if (_publicKey is null)
            {
                try
                {
                    _publicKey = Certificate.GetPublicKey();
                }
                catch (Exception ex) when (CryptoErrors.IsRecoverable(ex))
                {
                    return null;
                }
            }

            return _publicKey;
        }
    }

    /// <summary>
    /// Its signature verifies with <paramref name="issuer"/>'s public key: by the platform (OpenSSL) for RSA PKCS#1 v1.5
    /// and ECDSA with SHA-2, by BouncyCastle otherwise. Either way the signature algorithm inside the signed part must
    /// equal the outer one (RFC 5280 §4.1.1.2), and what is verified is the DER of the TBSCertificate.
    /// </summary>
    public bool IsSignedBy(ParsedCertificate issuer)
    {
        if (!SameAlgorithm(_fields.SignatureAlgorithm, _fields.InnerSignatureAlgorithm))
        {
            return false;
        }

        if (issuer.PlatformKey is { } platformKey)
        {
            // A signature BIT STRING that is not octet-aligned (found by fuzzing) is no valid signature.
            if (_fields.SignatureUnusedBits != 0)
            {
                return false;
            }

            try
            {
                if ((_fields.PlatformSignature ?? PlatformSignatureAlgorithms.Of(SignatureAlgorithmIdentifier)) is { } algorithm)
                {
                    return platformKey.Verify(algorithm, _fields.Tbs.Span, _fields.Signature.Span);
                }
            }
            catch (CryptographicException)
            {
                return false;
            }
        }

        if (issuer.PublicKey is not { } key)
        {
            return false;
        }

        try
        {
            Certificate.Verify(key);
            return true;
        }
        catch (Exception ex) when (CryptoErrors.IsRecoverable(ex))
        {
            return false;
        }
    }

    // The subject key for platform verification, imported on first use; null when the platform cannot take it.
    private PlatformPublicKey? PlatformKey
    {
        get
        {
            var state = Volatile.Read(ref _platformKeyState);
            if (state == 0)
            {
                _platformKey = PlatformPublicKey.TryCreate(_fields.SubjectPublicKeyInfo);
                state = _platformKey is null ? 2 : 1;
                Volatile.Write(ref _platformKeyState, state);
            }

            return state == 1 ? _platformKey : null;
        }
    }

    // As BouncyCastle compares them: same OID, and the same parameters where absent and NULL count as equal. Equal DER
    // is the same algorithm without parsing either.
    private static bool SameAlgorithm(ReadOnlyMemory<byte> outerDer, ReadOnlyMemory<byte> innerDer)
    {
        if (outerDer.Span.SequenceEqual(innerDer.Span))
        {
            return true;
        }

        var outer = AlgorithmIdentifier.GetInstance(Asn1Object.FromByteArray(outerDer.ToArray()));
        var inner = AlgorithmIdentifier.GetInstance(Asn1Object.FromByteArray(innerDer.ToArray()));
        if (!outer.Algorithm.Equals(inner.Algorithm))
        {
            return false;
        }

        var outerParameters = outer.Parameters is DerNull ? null : outer.Parameters;
        var innerParameters = inner.Parameters is DerNull ? null : inner.Parameters;
        return outerParameters is null ? innerParameters is null : outerParameters.Equals(innerParameters);
    }
}
