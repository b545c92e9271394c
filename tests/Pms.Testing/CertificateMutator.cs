using System.Text;

namespace Pms.Testing;

/// <summary>One mutated input and how it was made (enough to recognise it in a failure report).</summary>
public sealed record MutatedInput(string Origin, string Mutation, byte[] Data);

/// <summary>
/// Damaged certificate data for fuzzing the certificate engine: bit flips, truncations, edited ASN.1 lengths, inserted
/// and deleted bytes, and splices, applied to valid DER certificates, PKCS#7 bundles and PEM bundles (to the DER inside
/// a PEM block, and to the PEM text). Deterministic for a seed, so a failure reproduces.
/// </summary>
public sealed partial class CertificateMutator(int seed, IReadOnlyList<(string Name, byte[] Data)> corpus)
{
    private readonly Random _random = new(seed);

    /// <summary>A corpus of valid inputs: single certificates of each key type, chains, PKCS#7 and PEM bundles.</summary>
    public static IReadOnlyList<(string Name, byte[] Data)> StandardCorpus()
    {
        var rsaRoot = TestCertificates.Root("Fuzz RSA Root");
        var ecRoot = TestCertificates.Root("Fuzz EC Root", o => o.KeyType = TestKeyType.EcP256);
        var intermediate = ecRoot.Issue("Fuzz EC Sub CA", o => o.KeyType = TestKeyType.EcP256);
        var leaf = intermediate.IssueLeaf("Fuzz Leaf", o => o.KeyType = TestKeyType.EcP256);
        var rsaLeaf = rsaRoot.IssueLeaf("Fuzz RSA Leaf");
        return
        [
            ("RSA root DER", rsaRoot.Der),
            ("EC root DER", ecRoot.Der),
            ("EC leaf DER", leaf.Der),
            ("RSA leaf PEM", rsaLeaf.PemBytes),
            ("EC intermediate PEM", intermediate.PemBytes),
            ("PEM bundle leaf+intermediate+root", Encoding.ASCII.GetBytes(TestCertificates.BundlePem(leaf, intermediate, ecRoot))),
            ("PKCS#7 DER chain", TestCertificates.Pkcs7Der(leaf, intermediate, ecRoot)),
            ("PKCS#7 DER two roots", TestCertificates.Pkcs7Der(rsaRoot, ecRoot)),
            ("PKCS#7 PEM chain", Encoding.ASCII.GetBytes(TestCertificates.Pkcs7Pem(leaf, intermediate, ecRoot))),
        ];
    }

    /// <summary>The next mutated input: a random corpus entry with one to three random mutations.</summary>
    public MutatedInput Next()
    {
        var (name, original) = corpus[_random.Next(corpus.Count)];
        var data = original;
        var steps = new List<string>();
        var count = 1 + _random.Next(3);
        for (var i = 0; i < count; i++)
        {
            var (step, mutated) = IsPem(data) && _random.Next(3) > 0 ? MutateInsidePem(data) : Mutate(data);
            steps.Add(step);
            data = mutated;
        }
        return new MutatedInput(name, string.Join(", then ", steps), data);
    }

    private (string, byte[]) Mutate(byte[] data) => _random.Next(7) switch
    {
        0 or 1 => FlipBits(data),
        2 => Truncate(data),
        3 or 4 => EditAsn1Length(data),
        5 => InsertOrDelete(data),
        _ => Splice(data),
    };

    // Mutates the DER inside one PEM block, then re-armours it, so the damage reaches the ASN.1 parser.
    private (string, byte[]) MutateInsidePem(byte[] data)
    {
        var text = Encoding.ASCII.GetString(data);
        var blocks = PemBlock().Matches(text);
        if (blocks.Count == 0)
        {
            return Mutate(data);
        }
        var block = blocks[_random.Next(blocks.Count)];
        byte[] der;
        try
        {
            der = Convert.FromBase64String(block.Groups["body"].Value);
        }
        catch (FormatException)
        {
            return Mutate(data);
        }
        var (step, mutated) = Mutate(der);
        var label = block.Groups["label"].Value;
        var armoured = $"-----BEGIN {label}-----\n{Convert.ToBase64String(mutated, Base64FormattingOptions.InsertLineBreaks)}\n-----END {label}-----\n";
        return ($"in PEM block {label} at {block.Index}: {step}",
            Encoding.ASCII.GetBytes(string.Concat(text.AsSpan(0, block.Index), armoured, text.AsSpan(block.Index + block.Length))));
    }

    private (string, byte[]) FlipBits(byte[] data)
    {
        var copy = (byte[])data.Clone();
        var flips = 1 + _random.Next(8);
        for (var i = 0; i < flips && copy.Length > 0; i++)
        {
            copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
        }
        return ($"{flips} bit flips", copy);
    }

    private (string, byte[]) Truncate(byte[] data)
    {
        var length = _random.Next(data.Length);
        return ($"truncated to {length} of {data.Length} bytes", data[..length]);
    }

    private (string, byte[]) InsertOrDelete(byte[] data)
    {
        var at = _random.Next(data.Length + 1);
        if (_random.Next(2) == 0 && at < data.Length)
        {
            var count = Math.Min(1 + _random.Next(16), data.Length - at);
            return ($"deleted {count} bytes at {at}", [.. data[..at], .. data[(at + count)..]]);
        }
        var inserted = new byte[1 + _random.Next(16)];
        _random.NextBytes(inserted);
        return ($"inserted {inserted.Length} bytes at {at}", [.. data[..at], .. inserted, .. data[at..]]);
    }

    private (string, byte[]) Splice(byte[] data)
    {
        var (otherName, other) = corpus[_random.Next(corpus.Count)];
        var cut = _random.Next(data.Length + 1);
        var from = _random.Next(other.Length + 1);
        return ($"spliced at {cut} with {otherName} from {from}", [.. data[..cut], .. other[from..]]);
    }

    // Finds the DER tag-length headers and rewrites one length: to zero, off by one, huge, indefinite, or random.
    private (string, byte[]) EditAsn1Length(byte[] data)
    {
        var headers = new List<(int LengthOffset, int LengthSize)>();
        Walk(data, 0, data.Length, headers, depth: 0);
        if (headers.Count == 0)
        {
            return FlipBits(data);
        }
        var (offset, size) = headers[_random.Next(headers.Count)];
        var current = ReadLength(data, offset, size);
        var (label, replacement) = _random.Next(6) switch
        {
            0 => ("zero", new byte[] { 0x00 }),
            1 => ("one more", EncodeLength(current + 1)),
            2 => ("one less", EncodeLength(Math.Max(0, current - 1))),
            3 => ("indefinite", new byte[] { 0x80 }),
            4 => ("huge", new byte[] { 0x84, 0xFF, 0xFF, 0xFF, 0xFF }),
            _ => ("random", EncodeLength(_random.Next(0, Math.Max(1, data.Length * 2)))),
        };
        return ($"ASN.1 length at {offset} ({current}) set to {label}",
            [.. data[..offset], .. replacement, .. data[(offset + size)..]]);
    }

    private static void Walk(byte[] data, int start, int end, List<(int, int)> headers, int depth)
    {
        var position = start;
        while (position + 2 <= end && depth < 12)
        {
            var tag = data[position];
            var lengthOffset = position + 1;
            if ((tag & 0x1F) == 0x1F)
            {
                return; // multi-byte tags do not occur in certificates; stop rather than misread
            }
            var first = data[lengthOffset];
            var lengthSize = first < 0x80 ? 1 : 1 + (first & 0x7F);
            if (first == 0x80 || lengthSize > 5 || lengthOffset + lengthSize > end)
            {
                return;
            }
            var length = ReadLength(data, lengthOffset, lengthSize);
            var contentStart = lengthOffset + lengthSize;
            if (length < 0 || contentStart + length > end)
            {
                return;
            }
            headers.Add((lengthOffset, lengthSize));
            if ((tag & 0x20) != 0)
            {
                Walk(data, contentStart, contentStart + length, headers, depth + 1);
            }
            position = contentStart + length;
        }
    }

    private static int ReadLength(byte[] data, int offset, int size)
    {
        if (size == 1)
        {
            return data[offset] & 0x7F;
        }
        long value = 0;
        for (var i = 1; i < size; i++)
        {
            value = (value << 8) | data[offset + i];
        }
        return value > int.MaxValue ? -1 : (int)value;
    }

    private static byte[] EncodeLength(int length)
    {
        if (length < 0x80)
        {
            return [(byte)length];
        }
        var bytes = BitConverter.GetBytes(length).Reverse().SkipWhile(b => b == 0).ToArray();
        return [(byte)(0x80 | bytes.Length), .. bytes];
    }

    private static bool IsPem(byte[] data) => data.AsSpan().IndexOf("-----BEGIN"u8) >= 0;

    [System.Text.RegularExpressions.GeneratedRegex(@"-----BEGIN (?<label>[A-Z0-9 ]+)-----\s*(?<body>[A-Za-z0-9+/=\s]+?)\s*-----END \k<label>-----\s*")]
    private static partial System.Text.RegularExpressions.Regex PemBlock();
}
