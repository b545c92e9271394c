using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Pkcs;

namespace Pms.Testing;

/// <summary>
/// Frozen copies of the two writers PMS used before the one at-rest format (commit bc128cc:
/// <c>PersonalDataProtector.Protect</c> and <c>PrivateKeyProtector.Protect</c>, with the keys
/// <c>SigningAuthorityStartup</c> and <c>PmsSecrets</c> gave them). The product no longer writes these formats;
/// tests use them to store values exactly as an older PMS did, and check that today's PMS still reads and rewrites them.
/// Never change them: they are a record of what is in databases.
/// </summary>
public static class LegacyAtRestWriters
{
    /// <summary>Personal data, version 1: <c>[1][nonce 12][ciphertext][tag 16]</c>, bound to <c>partner:{id:N}:{field}</c>.</summary>
    public static byte[] ProtectPersonalData(string masterKey, string value, Guid partnerId, string field)
    {
        var encryptionKey = DeriveKey(masterKey, "partner-pii-encryption");
        var plaintext = Encoding.UTF8.GetBytes(value);
        var output = new byte[1 + 12 + plaintext.Length + 16];
        output[0] = 1;
        var nonce = output.AsSpan(1, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(encryptionKey, 16);
        aes.Encrypt(nonce, plaintext, output.AsSpan(1 + 12, plaintext.Length), output.AsSpan(1 + 12 + plaintext.Length),
            Encoding.UTF8.GetBytes($"partner:{partnerId:N}:{field}"));
        return output;
    }

    /// <summary>
    /// The signing CA's private key, version 1: <c>[1][salt 16][nonce 12][ciphertext][tag 16]</c> under HKDF(secret, salt,
    /// "pms/signing-ca/private-key"), where the secret is the base64 of the master key's "signing-ca-private-key" key.
    /// </summary>
    public static byte[] ProtectPrivateKey(string masterKey, AsymmetricKeyParameter privateKey)
    {
        var secret = Encoding.UTF8.GetBytes(Convert.ToBase64String(DeriveKey(masterKey, "signing-ca-private-key")));
        var purpose = Encoding.UTF8.GetBytes("pms/signing-ca/private-key");
        var plaintext = PrivateKeyInfoFactory.CreatePrivateKeyInfo(privateKey).GetEncoded();
        const int headerSize = 1 + 16 + 12;
        var blob = new byte[headerSize + plaintext.Length + 16];
        blob[0] = 1;
        var salt = blob.AsSpan(1, 16);
        var nonce = blob.AsSpan(1 + 16, 12);
        RandomNumberGenerator.Fill(salt);
        RandomNumberGenerator.Fill(nonce);
        var key = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, key, salt, purpose);
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(nonce, plaintext, blob.AsSpan(headerSize, plaintext.Length), blob.AsSpan(headerSize + plaintext.Length), [1, .. purpose]);
        return blob;
    }

    // PmsSecrets.DeriveKey as it was: HKDF-SHA256 of the UTF-8 master key, no salt, info "pms:" + purpose.
    private static byte[] DeriveKey(string masterKey, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(masterKey), 32, salt: [], info: Encoding.UTF8.GetBytes("pms:" + purpose));
}
