using System.Security.Cryptography;
using System.Text;
using Pms.Grpc.AtRest;
using Pms.Grpc.Infrastructure;

namespace Pms.Grpc.Partners;

/// <summary>
/// Personal data (a partner's email, phone number and address; the mail outbox's content) as text, encrypted at rest
/// through <see cref="AtRestEncryption"/>; and the keyed hash (HMAC-SHA256) of the normalised email that makes it
/// unique and searchable without decrypting anything — as MOSIP keeps its partner PII.
/// </summary>
public sealed class PersonalDataProtector
{
    private readonly AtRestEncryption _encryption;
    private readonly Lazy<byte[]> _lookupKey;

    public PersonalDataProtector(AtRestEncryption encryption, PmsSecrets secrets)
    {
        _encryption = encryption;
        // Lazily: the master key is loaded at start-up, after the container is built.
        _lookupKey = new(() => secrets.DeriveKey("partner-email-lookup"));
    }

    /// <summary>
    /// Encrypts one value of one row. The table, column and row id are bound in as associated data, so a ciphertext
    /// copied into another row or column does not decrypt.
    /// </summary>
    public byte[] Protect(string value, Guid rowId, EncryptedColumn column) =>
        _encryption.Protect(Encoding.UTF8.GetBytes(value), column, rowId);

    /// <exception cref="CryptographicException">Tampered data, another row's data, or another key.</exception>
    public string Unprotect(byte[] protectedValue, Guid rowId, EncryptedColumn column) =>
        Encoding.UTF8.GetString(_encryption.Unprotect(protectedValue, column, rowId));

    /// <summary>The keyed hash stored next to the encrypted email: equal for emails that differ only in case.</summary>
    public byte[] EmailLookupHash(string email) =>
        HMACSHA256.HashData(_lookupKey.Value, Encoding.UTF8.GetBytes(NormalizeEmail(email)));

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
