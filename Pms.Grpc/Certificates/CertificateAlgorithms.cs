using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.EdEC;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Oiw;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;

namespace Pms.Grpc.Certificates;

public enum PublicKeyAlgorithm
{
    Unknown,
    Rsa,
    EC,
    Ed25519,
    Ed448,
    Dsa,
}

/// <summary>What a certificate's public key is: algorithm, size in bits, curve.</summary>
public sealed record PublicKeyDescription(PublicKeyAlgorithm Algorithm, int Bits, string? Curve)
{
    /// <summary>"RSA 2048", "EC P-256", "EC secp256k1", "Ed25519", "DSA 2048".</summary>
    public string Description { get; } = Algorithm switch
    {
        PublicKeyAlgorithm.Rsa => $"RSA {Bits}",
        PublicKeyAlgorithm.EC => $"EC {Curve}",
        PublicKeyAlgorithm.Ed25519 => "Ed25519",
        PublicKeyAlgorithm.Ed448 => "Ed448",
        PublicKeyAlgorithm.Dsa => $"DSA {Bits}",
        _ => Curve ?? "unknown key algorithm",
    };

    public override string ToString() => Description;
}

/// <summary>The key and signature algorithms PMS accepts, and how it names them.</summary>
public static class CertificateAlgorithms
{
    public const int MinimumRsaBits = 2048;

    private static readonly Dictionary<string, string> AcceptedCurves = new()
    {
        [SecObjectIdentifiers.SecP256r1.Id] = "P-256",
        [SecObjectIdentifiers.SecP384r1.Id] = "P-384",
        [SecObjectIdentifiers.SecP521r1.Id] = "P-521",
    };

    private static readonly Dictionary<string, string> OtherCurves = new()
    {
        [SecObjectIdentifiers.SecP256k1.Id] = "secp256k1",
        [SecObjectIdentifiers.SecP224r1.Id] = "P-224",
        [X9ObjectIdentifiers.Prime192v1.Id] = "P-192",
    };

    private static readonly Dictionary<string, string> AcceptedSignatures = new()
    {
        [PkcsObjectIdentifiers.Sha256WithRsaEncryption.Id] = "SHA256withRSA",
        [PkcsObjectIdentifiers.Sha384WithRsaEncryption.Id] = "SHA384withRSA",
        [PkcsObjectIdentifiers.Sha512WithRsaEncryption.Id] = "SHA512withRSA",
        [X9ObjectIdentifiers.ECDsaWithSha256.Id] = "SHA256withECDSA",
        [X9ObjectIdentifiers.ECDsaWithSha384.Id] = "SHA384withECDSA",
        [X9ObjectIdentifiers.ECDsaWithSha512.Id] = "SHA512withECDSA",
        [EdECObjectIdentifiers.id_Ed25519.Id] = "Ed25519",
    };

    private static readonly Dictionary<string, string> RefusedSignatures = new()
    {
        [PkcsObjectIdentifiers.MD2WithRsaEncryption.Id] = "MD2withRSA",
        [PkcsObjectIdentifiers.MD5WithRsaEncryption.Id] = "MD5withRSA",
        [PkcsObjectIdentifiers.Sha1WithRsaEncryption.Id] = "SHA1withRSA",
        [PkcsObjectIdentifiers.Sha224WithRsaEncryption.Id] = "SHA224withRSA",
        [X9ObjectIdentifiers.ECDsaWithSha1.Id] = "SHA1withECDSA",
        [X9ObjectIdentifiers.ECDsaWithSha224.Id] = "SHA224withECDSA",
        [X9ObjectIdentifiers.IdDsaWithSha1.Id] = "SHA1withDSA",
        [NistObjectIdentifiers.DsaWithSha256.Id] = "SHA256withDSA",
        [EdECObjectIdentifiers.id_Ed448.Id] = "Ed448",
    };

    private static readonly Dictionary<string, string> WeakPssHashes = new()
    {
        [OiwObjectIdentifiers.IdSha1.Id] = "SHA1",
        [NistObjectIdentifiers.IdSha224.Id] = "SHA224",
    };

    private static readonly Dictionary<string, string> PssHashes = new()
    {
        [NistObjectIdentifiers.IdSha256.Id] = "SHA256",
        [NistObjectIdentifiers.IdSha384.Id] = "SHA384",
        [NistObjectIdentifiers.IdSha512.Id] = "SHA512",
    };

    /// <summary>Describes a subject public key without building key objects.</summary>
    public static PublicKeyDescription Describe(SubjectPublicKeyInfo keyInfo)
    {
        var algorithm = keyInfo.Algorithm.Algorithm;
        try
        {
            if (algorithm.Equals(PkcsObjectIdentifiers.RsaEncryption) || algorithm.Equals(PkcsObjectIdentifiers.IdRsassaPss))
            {
                var rsa = RsaPublicKeyStructure.GetInstance(keyInfo.ParsePublicKey());
                return new PublicKeyDescription(PublicKeyAlgorithm.Rsa, rsa.Modulus.BitLength, null);
            }

            if (algorithm.Equals(X9ObjectIdentifiers.IdECPublicKey))
            {
                var parameters = keyInfo.Algorithm.Parameters?.ToAsn1Object();
                if (parameters is DerObjectIdentifier curve)
                {
                    if (AcceptedCurves.TryGetValue(curve.Id, out var name) || OtherCurves.TryGetValue(curve.Id, out name))
                    {
                        return new PublicKeyDescription(PublicKeyAlgorithm.EC, BitsOf(curve), name);
                    }

                    return new PublicKeyDescription(PublicKeyAlgorithm.EC, BitsOf(curve), ECNamedCurveTable.GetName(curve) ?? curve.Id);
                }

                return new PublicKeyDescription(PublicKeyAlgorithm.EC, 0, "explicit curve parameters");
            }

            if (algorithm.Equals(EdECObjectIdentifiers.id_Ed25519))
            {
                return new PublicKeyDescription(PublicKeyAlgorithm.Ed25519, 256, null);
            }

            if (algorithm.Equals(EdECObjectIdentifiers.id_Ed448))
            {
                return new PublicKeyDescription(PublicKeyAlgorithm.Ed448, 456, null);
            }

            if (algorithm.Equals(X9ObjectIdentifiers.IdDsa))
            {
                var p = keyInfo.Algorithm.Parameters is null ? 0 : DsaParameter.GetInstance(keyInfo.Algorithm.Parameters).P.BitLength;
                return new PublicKeyDescription(PublicKeyAlgorithm.Dsa, p, null);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidCastException or IOException or InvalidOperationException)
        {
            return new PublicKeyDescription(PublicKeyAlgorithm.Unknown, 0, $"malformed {algorithm.Id} key");
        }

        return new PublicKeyDescription(PublicKeyAlgorithm.Unknown, 0, $"key algorithm {algorithm.Id}");
    }

    /// <summary>RSA of at least 2048 bits, EC on P-256/P-384/P-521, or Ed25519.</summary>
    public static bool IsKeyAccepted(PublicKeyDescription key) => key.Algorithm switch
    {
        PublicKeyAlgorithm.Rsa => key.Bits >= MinimumRsaBits,
        PublicKeyAlgorithm.EC => key.Curve is "P-256" or "P-384" or "P-521",
        PublicKeyAlgorithm.Ed25519 => true,
        _ => false,
    };

    /// <summary>A readable name for a signature algorithm ("SHA256withRSA", "SHA256withRSA/PSS", "SHA1withRSA").</summary>
    public static string DescribeSignature(AlgorithmIdentifier signatureAlgorithm)
    {
        var id = signatureAlgorithm.Algorithm.Id;
        if (AcceptedSignatures.TryGetValue(id, out var name) || RefusedSignatures.TryGetValue(id, out name))
        {
            return name;
        }

        if (signatureAlgorithm.Algorithm.Equals(PkcsObjectIdentifiers.IdRsassaPss))
        {
            var hash = PssHash(signatureAlgorithm)
                ?? (PssParameters(signatureAlgorithm) is { } parameters
                    ? WeakPssHashes.GetValueOrDefault(parameters.HashAlgorithm.Algorithm.Id)
                    : "SHA1"); // absent parameters: the RFC 4055 default
            return hash is null ? "RSASSA-PSS" : $"{hash}withRSA/PSS";
        }

        return id;
    }

    /// <summary>SHA-256/384/512 with RSA (PKCS#1 v1.5 or PSS) or ECDSA, or Ed25519. Nothing with SHA-1, MD5 or SHA-224.</summary>
    public static bool IsSignatureAccepted(AlgorithmIdentifier signatureAlgorithm)
    {
        if (AcceptedSignatures.ContainsKey(signatureAlgorithm.Algorithm.Id))
        {
            return true;
        }

        if (signatureAlgorithm.Algorithm.Equals(PkcsObjectIdentifiers.IdRsassaPss))
        {
            var hash = PssHash(signatureAlgorithm);
            var mgfHash = PssMgfHash(signatureAlgorithm);
            return hash is not null && hash == mgfHash;
        }

        return false;
    }

    private static string? PssHash(AlgorithmIdentifier signatureAlgorithm) =>
        PssParameters(signatureAlgorithm) is { } parameters
            ? PssHashes.GetValueOrDefault(parameters.HashAlgorithm.Algorithm.Id)
            : null;

    private static string? PssMgfHash(AlgorithmIdentifier signatureAlgorithm)
    {
        if (PssParameters(signatureAlgorithm) is not { } parameters
            || !parameters.MaskGenAlgorithm.Algorithm.Equals(PkcsObjectIdentifiers.IdMgf1)
            || parameters.MaskGenAlgorithm.Parameters is null)
        {
            return null;
        }

        try
        {
            return PssHashes.GetValueOrDefault(AlgorithmIdentifier.GetInstance(parameters.MaskGenAlgorithm.Parameters).Algorithm.Id);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // Absent parameters mean the RFC 4055 defaults (SHA-1 throughout), which the callers refuse.
    private static RsassaPssParameters? PssParameters(AlgorithmIdentifier signatureAlgorithm)
    {
        if (signatureAlgorithm.Parameters is null)
        {
            return null;
        }

        try
        {
            return RsassaPssParameters.GetInstance(signatureAlgorithm.Parameters);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static int BitsOf(DerObjectIdentifier curve) =>
        ECNamedCurveTable.GetByOid(curve)?.Curve.FieldSize ?? 0;
}
