using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Pms.Grpc.AtRest;

namespace Pms.Grpc.Certificates;

/// <summary>The protected key could not be recovered: wrong master secret, another row, or corrupted data.</summary>
public sealed class PrivateKeyProtectionException(string message, Exception? innerException = null)
    : Exception(message, innerException);

/// <summary>
/// Keeps a private key encrypted at rest: PKCS#8, sealed by <see cref="AtRestEncryption"/> (the one at-rest format,
/// <see cref="AtRestEnvelope"/>) and bound to its row of <c>signing_authority_keys</c>.
/// </summary>
public sealed class PrivateKeyProtector(AtRestEncryption encryption)
{
    /// <summary>Encrypts <paramref name="privateKey"/> (any key BouncyCastle can write as PKCS#8) for row <paramref name="rowId"/>.</summary>
    public byte[] Protect(AsymmetricKeyParameter privateKey, Guid rowId)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        if (!privateKey.IsPrivate)
        {
            throw new ArgumentException("Not a private key.", nameof(privateKey));
        }

        var plaintext = PrivateKeyInfoFactory.CreatePrivateKeyInfo(privateKey).GetEncoded();
        try
        {
            return encryption.Protect(plaintext, EncryptedColumn.SigningCaPrivateKey, rowId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Decrypts a blob of row <paramref name="rowId"/> made by <see cref="Protect"/> (or by an older PMS).</summary>
    /// <exception cref="PrivateKeyProtectionException">Wrong master key, another row, unknown version, or corrupted data.</exception>
    public AsymmetricKeyParameter Unprotect(ReadOnlySpan<byte> blob, Guid rowId)
    {
        byte[] plaintext;
        try
        {
            plaintext = encryption.Unprotect(blob, EncryptedColumn.SigningCaPrivateKey, rowId);
        }
        catch (AtRestDecryptionException ex)
        {
            throw new PrivateKeyProtectionException(ex.Message, ex);
        }
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
}
