using System.Formats.Asn1;

namespace Pms.Grpc.Certificates;

/// <summary>
/// The extensions of a certificate <see cref="DerCertificateReader"/> reads: the ones the rules look at, each read the
/// way BouncyCastle reads it (<see cref="CertificateFields.FromBouncyCastle"/>); any other form of them, a repeated
/// extension or an empty list is left to BouncyCastle.
/// </summary>
internal sealed class DerCertificateExtensions
{
    private static readonly Asn1Tag KeyIdentifierTag = new(TagClass.ContextSpecific, 0);

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public bool HasBasicConstraints { get; private set; }

    public bool IsCa { get; private set; }

    public int? PathLengthConstraint { get; private set; }

    public bool HasKeyUsage { get; private set; }

    public bool AllowsKeyCertSign { get; private set; }

    public byte[]? SubjectKeyIdentifier { get; private set; }

    public byte[]? AuthorityKeyIdentifier { get; private set; }

    public string? UnsupportedCritical { get; private set; }

    public void Read(AsnReader extensions)
    {
        DerCertificateReader.Require(extensions.HasData);
        while (extensions.HasData)
        {
            var extension = extensions.ReadSequence();
            var oid = extension.ReadObjectIdentifier();
            var critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
            DerCertificateReader.Require(extension.TryReadPrimitiveOctetString(out var value) && !extension.HasData && _seen.Add(oid));
            if (critical && UnsupportedCritical is null && !CertificateFields.UnderstoodExtensions.Contains(oid))
            {
                UnsupportedCritical = oid;
            }

            var reader = new AsnReader(value, AsnEncodingRules.DER);
            switch (oid)
            {
                case "2.5.29.19":
                    ReadBasicConstraints(reader.ReadSequence());
                    break;
                case "2.5.29.15":
                    DerCertificateReader.Require(reader.TryReadPrimitiveBitString(out _, out var bits));
                    HasKeyUsage = true;
                    // RFC 5280 §4.2.1.3 bit 5; DER has already made the unused bits zero.
                    AllowsKeyCertSign = bits.Length > 0 && (bits.Span[0] & 0x04) != 0;
                    break;
                case "2.5.29.14":
                    DerCertificateReader.Require(reader.TryReadPrimitiveOctetString(out var keyId));
                    SubjectKeyIdentifier = keyId.ToArray();
                    break;
                case "2.5.29.35":
                    var aki = reader.ReadSequence();
                    // Only the keyIdentifier form; authorityCertIssuer/SerialNumber are BouncyCastle's to read.
                    if (aki.HasData)
                    {
                        DerCertificateReader.Require(aki.TryReadPrimitiveOctetString(out var authorityKeyId, KeyIdentifierTag));
                        AuthorityKeyIdentifier = authorityKeyId.ToArray();
                    }

                    DerCertificateReader.Require(!aki.HasData);
                    break;
                default:
                    continue;
            }

            DerCertificateReader.Require(!reader.HasData);
        }
    }

    // BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }
    private void ReadBasicConstraints(AsnReader sequence)
    {
        HasBasicConstraints = true;
        IsCa = sequence.HasData && sequence.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && sequence.ReadBoolean();
        if (sequence.HasData)
        {
            // Values BouncyCastle would clip or wrap (negative, beyond 31 bits) are left to it.
            DerCertificateReader.Require(sequence.TryReadInt32(out var pathLength) && pathLength >= 0);
            PathLengthConstraint = IsCa ? pathLength : null;
        }

        DerCertificateReader.Require(!sequence.HasData);
    }
}
