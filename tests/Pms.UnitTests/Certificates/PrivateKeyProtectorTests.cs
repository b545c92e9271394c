using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Pms.Grpc.Certificates;
using Pms.Testing;

namespace Pms.UnitTests.Certificates;

public class PrivateKeyProtectorTests
{
    private const string Secret = "correct horse battery staple 0123456789";

    [Theory]
    [InlineData(TestKeyType.Rsa2048)]
    [InlineData(TestKeyType.EcP256)]
    [InlineData(TestKeyType.Ed25519)]
    public void ProtectedKeyRoundTrips(TestKeyType keyType)
    {
        var key = TestCertificates.GenerateKey(keyType).Private;
        var protector = new PrivateKeyProtector(Secret);

        var blob = protector.Protect(key);
        var restored = protector.Unprotect(blob);

        Assert.Equal(
            PrivateKeyInfoFactory.CreatePrivateKeyInfo(key).GetEncoded(),
            PrivateKeyInfoFactory.CreatePrivateKeyInfo(restored).GetEncoded());
    }

    [Fact]
    public void BlobIsVersionedAndHoldsNoPlaintextKey()
    {
        var key = (RsaPrivateCrtKeyParameters)TestCertificates.GenerateKey(TestKeyType.Rsa2048).Private;
        var plaintext = PrivateKeyInfoFactory.CreatePrivateKeyInfo(key).GetEncoded();

        var blob = new PrivateKeyProtector(Secret).Protect(key);

        Assert.Equal(1, blob[0]);
        Assert.Equal(1 + 16 + 12 + plaintext.Length + 16, blob.Length);
        Assert.Equal(-1, blob.AsSpan().IndexOf(key.Modulus.ToByteArrayUnsigned().AsSpan(0, 32)));
    }

    [Fact]
    public void TwoProtectionsOfOneKeyDiffer()
    {
        var key = TestCertificates.GenerateKey(TestKeyType.EcP256).Private;
        var protector = new PrivateKeyProtector(Secret);

        Assert.NotEqual(protector.Protect(key), protector.Protect(key));
    }

    [Fact]
    public void WrongSecretIsRefusedClearly()
    {
        var blob = new PrivateKeyProtector(Secret).Protect(TestCertificates.GenerateKey(TestKeyType.EcP256).Private);

        var ex = Assert.Throws<PrivateKeyProtectionException>(() => new PrivateKeyProtector(Secret + "!").Unprotect(blob));

        Assert.Contains("master secret", ex.Message);
    }

    [Fact]
    public void OtherPurposeIsRefused()
    {
        var blob = new PrivateKeyProtector(Secret).Protect(TestCertificates.GenerateKey(TestKeyType.EcP256).Private);

        Assert.Throws<PrivateKeyProtectionException>(() => new PrivateKeyProtector(Secret, "another/purpose").Unprotect(blob));
    }

    [Fact]
    public void TamperedBlobIsRefused()
    {
        var blob = new PrivateKeyProtector(Secret).Protect(TestCertificates.GenerateKey(TestKeyType.EcP256).Private);
        blob[40] ^= 0x01;

        Assert.Throws<PrivateKeyProtectionException>(() => new PrivateKeyProtector(Secret).Unprotect(blob));
    }

    [Fact]
    public void UnknownVersionAndShortBlobAreRefused()
    {
        var blob = new PrivateKeyProtector(Secret).Protect(TestCertificates.GenerateKey(TestKeyType.EcP256).Private);
        blob[0] = 2;

        Assert.Contains("version", Assert.Throws<PrivateKeyProtectionException>(() => new PrivateKeyProtector(Secret).Unprotect(blob)).Message);
        Assert.Throws<PrivateKeyProtectionException>(() => new PrivateKeyProtector(Secret).Unprotect(new byte[10]));
    }

    [Fact]
    public void ShortSecretAndPublicKeyAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new PrivateKeyProtector("short"));
        Assert.Throws<ArgumentException>(() => new PrivateKeyProtector(Secret).Protect(TestCertificates.GenerateKey(TestKeyType.EcP256).Public));
    }
}
