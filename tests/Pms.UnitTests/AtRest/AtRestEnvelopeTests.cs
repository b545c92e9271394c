using System.Security.Cryptography;
using System.Text;
using Pms.Grpc.AtRest;

namespace Pms.UnitTests.AtRest;

public class AtRestEnvelopeTests
{
    private const string Context = "partners.email_encrypted of row 0193a000-0000-7000-8000-000000000001";

    private static readonly AtRestKey Key = new(RandomNumberGenerator.GetBytes(32), [1, 2, 3, 4]);
    private static readonly byte[] Plaintext = Encoding.UTF8.GetBytes("someone@example.org");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100_000)]
    public void RoundTrips(int length)
    {
        var plaintext = RandomNumberGenerator.GetBytes(length);

        Assert.Equal(plaintext, AtRestEnvelope.Open(Key, AtRestEnvelope.Seal(Key, plaintext, Context), Context));
    }

    [Fact]
    public void LayoutIsVersionKeyIdNonceCiphertextTag()
    {
        var first = AtRestEnvelope.Seal(Key, Plaintext, Context);
        var second = AtRestEnvelope.Seal(Key, Plaintext, Context);

        Assert.Equal(1 + 4 + 12 + Plaintext.Length + 16, first.Length);
        Assert.Equal([AtRestEnvelope.Version, 1, 2, 3, 4], first[..5]);
        Assert.Equal(AtRestEnvelope.Prefix(Key), first[..5]);
        Assert.NotEqual(first[5..17], second[5..17]); // a fresh nonce each time
        Assert.Equal(-1, first.AsSpan().IndexOf(Plaintext.AsSpan(0, 8)));
        Assert.True(AtRestEnvelope.IsSealedWith(first, Key));
    }

    [Fact]
    public void ChangingAnyBitOfAnyPartIsRefused()
    {
        var envelope = AtRestEnvelope.Seal(Key, Plaintext, Context);
        var accepted = new List<string>();
        for (var i = 0; i < envelope.Length; i++)
        {
            foreach (var bit in new byte[] { 0x01, 0x80 })
            {
                var tampered = (byte[])envelope.Clone();
                tampered[i] ^= bit;
                try
                {
                    AtRestEnvelope.Open(Key, tampered, Context);
                    accepted.Add($"byte {i} ({Part(i, envelope.Length)}) ^ 0x{bit:x2}");
                }
                catch (AtRestDecryptionException)
                {
                }
            }
        }

        Assert.True(accepted.Count == 0, "Tampered envelopes that opened: " + string.Join(", ", accepted));
    }

    [Fact]
    public void ATruncatedOrExtendedEnvelopeIsRefused()
    {
        var envelope = AtRestEnvelope.Seal(Key, Plaintext, Context);

        Assert.Throws<AtRestDecryptionException>(() => AtRestEnvelope.Open(Key, envelope[..^1], Context));
        Assert.Throws<AtRestDecryptionException>(() => AtRestEnvelope.Open(Key, [.. envelope, 0], Context));
        Assert.Contains("too short", Assert.Throws<AtRestDecryptionException>(() => AtRestEnvelope.Open(Key, envelope[..32], Context)).Message);
        Assert.Throws<AtRestDecryptionException>(() => AtRestEnvelope.Open(Key, [], Context));
    }

    [Fact]
    public void AnotherMasterKeyIsNamedAsSuch()
    {
        var envelope = AtRestEnvelope.Seal(Key, Plaintext, Context);
        var other = new AtRestKey(RandomNumberGenerator.GetBytes(32), [9, 9, 9, 9]);

        var ex = Assert.Throws<AtRestDecryptionException>(() => AtRestEnvelope.Open(other, envelope, Context));

        Assert.Contains("another master key (key id 01020304)", ex.Message);
        Assert.Contains("09090909", ex.Message);
        Assert.False(AtRestEnvelope.IsSealedWith(envelope, other));
    }

    [Fact]
    public void AnotherKeyUnderTheSameIdFailsAuthentication()
    {
        var envelope = AtRestEnvelope.Seal(Key, Plaintext, Context);
        var impostor = new AtRestKey(RandomNumberGenerator.GetBytes(32), Key.Id);

        Assert.Contains("failed authentication", Assert.Throws<AtRestDecryptionException>(() => AtRestEnvelope.Open(impostor, envelope, Context)).Message);
    }

    [Theory]
    [InlineData("partners.email_encrypted of row 0193a000-0000-7000-8000-000000000002")] // another row
    [InlineData("partners.phone_number_encrypted of row 0193a000-0000-7000-8000-000000000001")] // another column
    [InlineData("")]
    public void AValueCopiedToAnotherContextIsRefused(string otherContext)
    {
        var envelope = AtRestEnvelope.Seal(Key, Plaintext, Context);

        var ex = Assert.Throws<AtRestDecryptionException>(() => AtRestEnvelope.Open(Key, envelope, otherContext));

        Assert.Contains("another row or column", ex.Message);
    }

    [Fact]
    public void AValueFromAFutureVersionIsRefusedClearly()
    {
        var envelope = AtRestEnvelope.Seal(Key, Plaintext, Context);
        envelope[0] = AtRestEnvelope.Version + 1;

        var ex = Assert.Throws<AtRestDecryptionException>(() => AtRestEnvelope.Open(Key, envelope, Context));

        Assert.Contains($"written by a newer PMS (format version {AtRestEnvelope.Version + 1})", ex.Message);
        Assert.Contains(Context, ex.Message);
        Assert.False(AtRestEnvelope.IsSealedWith(envelope, Key));
    }

    [Fact]
    public void KeysOfTheWrongSizeAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new AtRestKey(new byte[16], [1, 2, 3, 4]));
        Assert.Throws<ArgumentException>(() => new AtRestKey(new byte[32], [1, 2]));
    }

    private static string Part(int index, int length) => index switch
    {
        0 => "version",
        < 5 => "key id",
        < 17 => "nonce",
        _ when index >= length - 16 => "tag",
        _ => "ciphertext",
    };
}
