using System.Security.Cryptography;
using System.Text;

namespace Pms.Grpc.AtRest;

/// <summary>
/// Readers (never writers) of the two version 1 formats that came before <see cref="AtRestEnvelope"/>, so values
/// stored by an older PMS still open until <see cref="AtRestFormatUpgrade"/> has rewritten them. Both start with the
/// byte 1; the column says which one a value is in.
/// </summary>
internal static class LegacyAtRestFormats
{
    public const byte Version = 1;

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int SaltSize = 16;
    private const string PrivateKeyPurpose = "pms/signing-ca/private-key";

    /// <summary>
    /// Personal data: <c>1 | nonce (12) | ciphertext | tag (16)</c> under the key "partner-pii-encryption",
    /// bound to <c>partner:{row id, 32 hex digits}:{field}</c> (the mail outbox used the same prefix).
    /// </summary>
    public static byte[] OpenPersonalData(ReadOnlySpan<byte> key, ReadOnlySpan<byte> blob, Guid rowId, string field, string context)
    {
        if (blob.Length < 1 + NonceSize + TagSize)
        {
            throw new AtRestDecryptionException($"The stored {context} is too short for the version 1 personal-data format.");
        }
        var plaintext = new byte[blob.Length - 1 - NonceSize - TagSize];
        Decrypt(key, blob.Slice(1, NonceSize), blob[(1 + NonceSize)..^TagSize], blob[^TagSize..], plaintext,
            Encoding.UTF8.GetBytes($"partner:{rowId:N}:{field}"), context);
        return plaintext;
    }

    /// <summary>
    /// The signing CA's key: <c>1 | salt (16) | nonce (12) | ciphertext | tag (16)</c>, each blob's key derived by HKDF
    /// from the UTF-8 of the base64 of the key "signing-ca-private-key", the salt and the purpose label, bound to the
    /// version byte and that label.
    /// </summary>
    public static byte[] OpenPrivateKey(ReadOnlySpan<byte> purposeKey, ReadOnlySpan<byte> blob, string context)
    {
        if (blob.Length < 1 + SaltSize + NonceSize + TagSize + 1)
        {
            throw new AtRestDecryptionException($"The stored {context} is too short for the version 1 private-key format.");
        }
        var secret = Encoding.UTF8.GetBytes(Convert.ToBase64String(purposeKey));
        var purpose = Encoding.UTF8.GetBytes(PrivateKeyPurpose);
        var key = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, key, blob.Slice(1, SaltSize), purpose);
        var plaintext = new byte[blob.Length - 1 - SaltSize - NonceSize - TagSize];
        try
        {
            Decrypt(key, blob.Slice(1 + SaltSize, NonceSize), blob[(1 + SaltSize + NonceSize)..^TagSize], blob[^TagSize..], plaintext,
                [Version, .. purpose], context);
            return plaintext;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static void Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag,
        Span<byte> plaintext, ReadOnlySpan<byte> associatedData, string context)
    {
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new AtRestDecryptionException(
                $"The stored {context} (version 1 format) failed authentication: Pms:KeyEncryption:MasterKey is not the key it " +
                "was stored with, or the value was altered or belongs to another row or column.", ex);
        }
    }
}
