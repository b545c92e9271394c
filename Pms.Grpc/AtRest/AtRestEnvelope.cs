using System.Security.Cryptography;
using System.Text;

namespace Pms.Grpc.AtRest;

/// <summary>
/// The one format PMS stores encrypted values in (personal data and the signing CA's private key alike):
/// <c>version (1) = 2 | key id (4) | nonce (12) | ciphertext | tag (16)</c>, AES-256-GCM. The associated data is the
/// version and key id followed by the value's context (table, column and row id), so a changed header, another
/// key, or a value copied into another row or column fails authentication. Version 1 was the two formats before
/// this one; <see cref="AtRestEncryption"/> still reads them.
/// </summary>
public static class AtRestEnvelope
{
    public const byte Version = 2;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int HeaderSize = 1 + AtRestKey.IdSize + NonceSize;
    public const int Overhead = HeaderSize + TagSize;

    /// <summary>The bytes every value sealed now under <paramref name="key"/> starts with: the version and key id.</summary>
    public static byte[] Prefix(AtRestKey key) => [Version, .. key.Id];

    public static byte[] Seal(AtRestKey key, ReadOnlySpan<byte> plaintext, string context)
    {
        ArgumentNullException.ThrowIfNull(key);
        var envelope = new byte[Overhead + plaintext.Length];
        envelope[0] = Version;
        key.Id.CopyTo(envelope.AsSpan(1));
        var nonce = envelope.AsSpan(1 + AtRestKey.IdSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key.Value, TagSize);
        aes.Encrypt(nonce, plaintext, envelope.AsSpan(HeaderSize, plaintext.Length), envelope.AsSpan(HeaderSize + plaintext.Length),
            AssociatedData(envelope.AsSpan(0, 1 + AtRestKey.IdSize), context));
        return envelope;
    }

    /// <exception cref="AtRestDecryptionException">
    /// A newer or unknown version, another master key, or a value altered or copied from elsewhere.
    /// </exception>
    public static byte[] Open(AtRestKey key, ReadOnlySpan<byte> envelope, string context)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (envelope.Length < Overhead)
        {
            throw new AtRestDecryptionException($"The stored {context} is {envelope.Length} bytes, too short for an encrypted value (at least {Overhead}).");
        }
        if (envelope[0] > Version)
        {
            throw new AtRestDecryptionException(
                $"The stored {context} was written by a newer PMS (format version {envelope[0]}); this PMS reads versions 1 and {Version}. " +
                "Run the newer PMS on every replica, or restore the database from before it.");
        }
        if (envelope[0] != Version)
        {
            throw new AtRestDecryptionException($"The stored {context} is not in a known format (version byte {envelope[0]}).");
        }
        var keyId = envelope.Slice(1, AtRestKey.IdSize);
        if (!keyId.SequenceEqual(key.Id))
        {
            throw new AtRestDecryptionException(
                $"The stored {context} was encrypted under another master key (key id {Convert.ToHexStringLower(keyId)}); " +
                $"this PMS's Pms:KeyEncryption:MasterKey has key id {key.IdHex}. Configure the master key it was stored with.");
        }

        var ciphertext = envelope[HeaderSize..^TagSize];
        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(key.Value, TagSize);
            aes.Decrypt(envelope.Slice(1 + AtRestKey.IdSize, NonceSize), ciphertext, envelope[^TagSize..], plaintext,
                AssociatedData(envelope[..(1 + AtRestKey.IdSize)], context));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new AtRestDecryptionException(
                $"The stored {context} failed authentication: it was altered, or it belongs to another row or column.", ex);
        }
    }

    /// <summary>Whether <paramref name="value"/> is in this format under <paramref name="key"/> (it needs no rewriting).</summary>
    public static bool IsSealedWith(ReadOnlySpan<byte> value, AtRestKey key) =>
        value.Length >= Overhead && value[0] == Version && value.Slice(1, AtRestKey.IdSize).SequenceEqual(key.Id);

    private static byte[] AssociatedData(ReadOnlySpan<byte> versionAndKeyId, string context)
    {
        var data = new byte[versionAndKeyId.Length + Encoding.UTF8.GetByteCount(context)];
        versionAndKeyId.CopyTo(data);
        Encoding.UTF8.GetBytes(context, data.AsSpan(versionAndKeyId.Length));
        return data;
    }
}
