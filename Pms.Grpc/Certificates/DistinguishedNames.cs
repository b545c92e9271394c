using System.Formats.Asn1;
using System.Text;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;

namespace Pms.Grpc.Certificates;

/// <summary>
/// Reading X.509 names: an RFC 4514 display string, a canonical key for chaining, attribute values. A name is read once
/// into its RDNs' attributes (<see cref="Read(X509Name)"/> from BouncyCastle, <see cref="ReadDer"/> from DER with the
/// platform's reader, for the names <see cref="DerCertificateReader"/> admits); everything else works on those.
/// </summary>
public static class DistinguishedNames
{
    private static readonly Dictionary<string, string> ShortNames = new()
    {
        ["2.5.4.3"] = "CN",
        ["2.5.4.6"] = "C",
        ["2.5.4.7"] = "L",
        ["2.5.4.8"] = "ST",
        ["2.5.4.9"] = "STREET",
        ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU",
        ["2.5.4.5"] = "SERIALNUMBER",
        ["2.5.4.4"] = "SN",
        ["2.5.4.42"] = "GN",
        ["2.5.4.12"] = "T",
        ["2.5.4.17"] = "POSTALCODE",
        ["0.9.2342.19200300.100.1.25"] = "DC",
        ["0.9.2342.19200300.100.1.1"] = "UID",
        ["1.2.840.113549.1.9.1"] = "E",
    };

    /// <summary>RFC 4514 string, most specific RDN first: <c>CN=Leaf,O=Acme,C=IN</c>.</summary>
    public static string ToRfc4514(X509Name name) => ToRfc4514(Read(name));

    /// <inheritdoc cref="ToRfc4514(X509Name)"/>
    public static string ToRfc4514(IReadOnlyList<NameAttribute[]> rdns)
    {
        var builder = new StringBuilder();
        for (var i = rdns.Count - 1; i >= 0; i--)
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            var first = true;
            foreach (var attribute in rdns[i])
            {
                if (!first)
                {
                    builder.Append('+');
                }

                first = false;
                if (ShortNames.TryGetValue(attribute.Oid, out var shortName) && attribute.Text is { } text)
                {
                    builder.Append(shortName).Append('=');
                    AppendEscaped(builder, text);
                }
                else
                {
                    // RFC 4514 §2.4: unknown types (or non-string values) as dotted OID with the hex of the DER value.
                    builder.Append(attribute.Oid).Append("=#").Append(Convert.ToHexStringLower(attribute.ValueDer.Span));
                }
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// A key under which two names that RFC 5280 §7.1 would call equal compare equal: string values trimmed,
    /// inner whitespace collapsed, ASCII case folded (as OpenSSL's canonical encoding does), RDN structure kept.
    /// </summary>
    public static string CanonicalKey(X509Name name) => CanonicalKey(Read(name));

    /// <inheritdoc cref="CanonicalKey(X509Name)"/>
    public static string CanonicalKey(IReadOnlyList<NameAttribute[]> rdns)
    {
        var builder = new StringBuilder();
        var parts = new List<string>(2);
        foreach (var rdn in rdns)
        {
            parts.Clear();
            foreach (var attribute in rdn)
            {
                parts.Add(attribute.Oid + "=" + (attribute.Text is { } text
                    ? CanonicalValue(text)
                    : "#" + Convert.ToHexStringLower(attribute.ValueDer.Span)));
            }

            // A multi-valued RDN is a SET: its order carries no meaning.
            parts.Sort(StringComparer.Ordinal);
            builder.Append('\u001e').AppendJoin('\u001f', parts);
        }

        return builder.ToString();
    }

    /// <summary>Every value of one attribute type (e.g. <see cref="X509Name.O"/>), in name order.</summary>
    public static IReadOnlyList<string> Values(X509Name name, DerObjectIdentifier attributeType) => Values(Read(name), attributeType.Id);

    /// <summary>Every value of one attribute type (dotted OID), in name order.</summary>
    public static IReadOnlyList<string> Values(IReadOnlyList<NameAttribute[]> rdns, string attributeType)
    {
        List<string>? values = null;
        foreach (var rdn in rdns)
        {
            foreach (var attribute in rdn)
            {
                if (attribute.Oid == attributeType)
                {
                    (values ??= []).Add(attribute.Text ?? "#" + Convert.ToHexStringLower(attribute.ValueDer.Span));
                }
            }
        }

        return values ?? (IReadOnlyList<string>)[];
    }

    /// <summary>The RDNs of a name BouncyCastle parsed, in name order: string values as BouncyCastle reads them.</summary>
    public static IReadOnlyList<NameAttribute[]> Read(X509Name name)
    {
        var rdns = new List<NameAttribute[]>();
        foreach (var rdn in Rdns(name))
        {
            rdns.Add([.. Attributes(rdn).Select(a => new NameAttribute(a.Oid.Id,
                a.Value is IAsn1String text ? text.GetString() : null,
                a.Value is IAsn1String ? ReadOnlyMemory<byte>.Empty : a.Value.GetDerEncoded()))]);
        }

        return rdns;
    }

    /// <summary>
    /// The RDNs of a Name's DER whose values are all PrintableString, UTF8String or IA5String (checked by
    /// <see cref="DerCertificateReader"/>): read with the platform's reader, each value decoded as BouncyCastle decodes it.
    /// </summary>
    internal static IReadOnlyList<NameAttribute[]> ReadDer(ReadOnlyMemory<byte> nameDer)
    {
        var rdns = new List<NameAttribute[]>();
        var sequence = new AsnReader(nameDer, AsnEncodingRules.DER).ReadSequence();
        var attributes = new List<NameAttribute>(1);
        while (sequence.HasData)
        {
            var rdn = sequence.ReadSetOf();
            attributes.Clear();
            while (rdn.HasData)
            {
                var attribute = rdn.ReadSequence();
                var oid = attribute.ReadObjectIdentifier();
                var tag = attribute.PeekTag();
                attributes.Add(new NameAttribute(oid, attribute.ReadCharacterString((UniversalTagNumber)tag.TagValue), ReadOnlyMemory<byte>.Empty));
            }

            rdns.Add([.. attributes]);
        }

        return rdns;
    }

    private static List<Asn1Set> Rdns(X509Name name)
    {
        var sequence = (Asn1Sequence)name.ToAsn1Object();
        var rdns = new List<Asn1Set>(sequence.Count);
        foreach (var element in sequence)
        {
            rdns.Add(Asn1Set.GetInstance(element));
        }

        return rdns;
    }

    private static IEnumerable<(DerObjectIdentifier Oid, Asn1Encodable Value)> Attributes(Asn1Set rdn)
    {
        foreach (var element in rdn)
        {
            var pair = Asn1Sequence.GetInstance(element);
            yield return (DerObjectIdentifier.GetInstance(pair[0]), pair[1]);
        }
    }

    private static string CanonicalValue(string value)
    {
        var builder = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c is >= 'A' and <= 'Z' ? (char)(c + 32) : c);
        }

        return builder.ToString();
    }

    private static void AppendEscaped(StringBuilder builder, string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var escape = c is '"' or '+' or ',' or ';' or '<' or '>' or '\\'
                || (i == 0 && c is '#' or ' ')
                || (i == value.Length - 1 && c == ' ');
            if (c == '\0')
            {
                builder.Append("\\00");
                continue;
            }

            if (escape)
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }
    }
}
