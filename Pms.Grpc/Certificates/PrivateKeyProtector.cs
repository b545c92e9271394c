using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;

namespace Pms.Grpc.Certificates;

/// <summary>The protected key could not be recovered: wrong master secret, another purpose, or corrupted data.</summary>
public sealed class PrivateKeyProtectionException(string message, Exception? innerException = null)
    : Exception(message, innerException);

/// <summary>
/// Keeps a private key encrypted at rest: PKCS#8, sealed with AES-256-GCM under a key derived by HKDF-SHA256
/// from a configured master secret and a purpose label. The blob describes itself:
/// <c>version (1) | salt (16) | nonce (12) | ciphertext | tag (16)</c>; the version byte and the purpose are
/// authenticated too. HKDF does not stretch a weak secret: the master secret must be random (e.g. 32 random bytes, base64).
/// </summary>
public sealed class PrivateKeyProtector
{
    public const string DefaultPurpose = "pms/signing-ca/private-key";
    public const int MinimumSecretLength = 16;

    private const byte Version1 = 1;
    private const int SaltSize = 16;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int KeySize = 32;
    private const int HeaderSize = 1 + SaltSize + NonceSize;

    private readonly byte[] _secret;
    private readonly byte[] _purpose;

    public PrivateKeyProtector(string masterSecret, string purpose = DefaultPurpose)
    {
        ArgumentNullException.ThrowIfNull(masterSecret);
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        if (masterSecret.Length < MinimumSecretLength)
        {
            throw new ArgumentException($"The master secret must be at least {MinimumSecretLength} characters (use a long random value).", nameof(masterSecret));
        }

        _secret = Encoding.UTF8.GetBytes(masterSecret);
        _purpose = Encoding.UTF8.GetBytes(purpose);
    }

    /// <summary>Encrypts <paramref name="privateKey"/> (any key BouncyCastle can write as PKCS#8).</summary>
    public byte[] Protect(AsymmetricKeyParameter privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        if (!privateKey.IsPrivate)
        {
            throw new ArgumentException("Not a private key.", nameof(privateKey));
        }

        var plaintext = PrivateKeyInfoFactory.CreatePrivateKeyInfo(privateKey).GetEncoded();
        try
        {
            return Seal(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Decrypts a blob made by <see cref="Protect"/> with the same secret and purpose.</summary>
    /// <exception cref="PrivateKeyProtectionException">Wrong secret or purpose, unknown version, or corrupted data.</exception>
    public AsymmetricKeyParameter Unprotect(ReadOnlySpan<byte> blob)
    {
        var plaintext = Open(blob);
        try
        {
            return PrivateKeyFactory.CreateKey(plaintext);
        }
        catch (Exception ex) when (CryptoErrors.IsRecoverable(ex))
        {
            throw new PrivateKeyProtectionException("The decrypted data is not a PKCS#8 private key.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private byte[] Seal(ReadOnlySpan<byte> plaintext)
    {
        var blob = new byte[HeaderSize + plaintext.Length + TagSize];
        blob[0] = Version1;
        var salt = blob.AsSpan(1, SaltSize);
        var nonce = blob.AsSpan(1 + SaltSize, NonceSize);
        RandomNumberGenerator.Fill(salt);
        RandomNumberGenerator.Fill(nonce);

        var key = DeriveKey(salt);
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Encrypt(nonce, plaintext, blob.AsSpan(HeaderSize, plaintext.Length), blob.AsSpan(HeaderSize + plaintext.Length), AssociatedData(Version1));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        return blob;
    }

    private byte[] Open(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < HeaderSize + TagSize + 1)
        {
            throw new PrivateKeyProtectionException("The protected key is too short to be a protected key blob.");
        }

        if (blob[0] != Version1)
        {
            throw new PrivateKeyProtectionException($"The protected key has version {blob[0]}; this PMS reads version {Version1}.");
        }

        var salt = blob.Slice(1, SaltSize);
        var nonce = blob.Slice(1 + SaltSize, NonceSize);
        var ciphertext = blob[HeaderSize..^TagSize];
        var tag = blob[^TagSize..];
        var plaintext = new byte[ciphertext.Length];
        var key = DeriveKey(salt);
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(nonce, ciphertext, tag, plaintext, AssociatedData(blob[0]));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new PrivateKeyProtectionException(
                "The protected key could not be decrypted: the master secret is wrong (or was changed), or the data is corrupted.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private byte[] DeriveKey(ReadOnlySpan<byte> salt)
    {
        var key = new byte[KeySize];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _secret, key, salt, _purpose);
        return key;
    }

    private byte[] AssociatedData(byte version) => [version, .. _purpose];
}
