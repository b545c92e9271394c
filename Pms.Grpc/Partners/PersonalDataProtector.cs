using System.Security.Cryptography;
using System.Text;
using Pms.Grpc.Infrastructure;

namespace Pms.Grpc.Partners;

/// <summary>
/// Encrypts a partner's personal data (email, phone number, address) at rest with AES-256-GCM, and computes the
/// keyed hash (HMAC-SHA256) of the normalised email that makes it unique and searchable without decrypting
/// anything — as MOSIP keeps its partner PII. Both keys are derived from PMS's master key.
/// </summary>
public sealed class PersonalDataProtector
{
    // Stored as [version][nonce][ciphertext][tag]; the version leaves room for a key rotation later.
    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly Lazy<byte[]> _encryptionKey;
    private readonly Lazy<byte[]> _lookupKey;

    public PersonalDataProtector(PmsSecrets secrets)
    {
        // Lazily: the master key is loaded at start-up, after the container is built.
        _encryptionKey = new(() => secrets.DeriveKey("partner-pii-encryption"));
        _lookupKey = new(() => secrets.DeriveKey("partner-email-lookup"));
    }

    /// <summary>
    /// Encrypts one field of one partner. The partner id and field name are bound in as associated data, so a
    /// ciphertext copied into another row or column does not decrypt.
    /// </summary>
    public byte[] Protect(string value, Guid partnerId, string field)
    {
        var plaintext = Encoding.UTF8.GetBytes(value);
        var output = new byte[1 + NonceSize + plaintext.Length + TagSize];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_encryptionKey.Value, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(1 + NonceSize, plaintext.Length), output.AsSpan(1 + NonceSize + plaintext.Length),
            AssociatedData(partnerId, field));
        return output;
    }

    /// <exception cref="CryptographicException">Tampered data, another row's data, or another key.</exception>
    public string Unprotect(byte[] protectedValue, Guid partnerId, string field)
    {
        if (protectedValue.Length < 1 + NonceSize + TagSize || protectedValue[0] != FormatVersion)
        {
            throw new CryptographicException($"The stored {field} of partner {partnerId} is not in a known format.");
        }
        var cipherLength = protectedValue.Length - 1 - NonceSize - TagSize;
        var plaintext = new byte[cipherLength];
        using var aes = new AesGcm(_encryptionKey.Value, TagSize);
        aes.Decrypt(protectedValue.AsSpan(1, NonceSize), protectedValue.AsSpan(1 + NonceSize, cipherLength),
            protectedValue.AsSpan(1 + NonceSize + cipherLength), plaintext, AssociatedData(partnerId, field));
        return Encoding.UTF8.GetString(plaintext);
    }

    /// <summary>The keyed hash stored next to the encrypted email: equal for emails that differ only in case.</summary>
    public byte[] EmailLookupHash(string email) =>
        HMACSHA256.HashData(_lookupKey.Value, Encoding.UTF8.GetBytes(NormalizeEmail(email)));

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    private static byte[] AssociatedData(Guid partnerId, string field) => Encoding.UTF8.GetBytes($"partner:{partnerId:N}:{field}");
}
