using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Pms.Grpc.AtRest;
using Pms.Grpc.Certificates;
using Pms.Testing;

namespace Pms.UnitTests.Certificates;

public class PrivateKeyProtectorTests
{
    private const string Secret = "correct horse battery staple 0123456789";

    private static readonly Guid RowId = Guid.CreateVersion7();

    private static PrivateKeyProtector Protector(string secret = Secret) => new(new AtRestEncryption(() => Encoding.UTF8.GetBytes(secret)));

    [Theory]
    [InlineData(TestKeyType.Rsa2048)]
    [InlineData(TestKeyType.EcP256)]
    [InlineData(TestKeyType.Ed25519)]
    public void ProtectedKeyRoundTrips(TestKeyType keyType)
    {
        var key = TestCertificates.GenerateKey(keyType).Private;
        var protector = Protector();

        var restored = protector.Unprotect(protector.Protect(key, RowId), RowId);

        Assert.Equal(
            PrivateKeyInfoFactory.CreatePrivateKeyInfo(key).GetEncoded(),
            PrivateKeyInfoFactory.CreatePrivateKeyInfo(restored).GetEncoded());
    }

    [Fact]
    public void BlobIsTheOneAtRestEnvelopeAndHoldsNoPlaintextKey()
    {
        var key = (RsaPrivateCrtKeyParameters)TestCertificates.GenerateKey(TestKeyType.Rsa2048).Private;
        var plaintext = PrivateKeyInfoFactory.CreatePrivateKeyInfo(key).GetEncoded();

        var blob = Protector().Protect(key, RowId);

        Assert.Equal(AtRestEnvelope.Version, blob[0]);
        Assert.Equal(AtRestEnvelope.Overhead + plaintext.Length, blob.Length);
        Assert.Equal(-1, blob.AsSpan().IndexOf(key.Modulus.ToByteArrayUnsigned().AsSpan(0, 32)));
    }

    [Fact]
    public void TwoProtectionsOfOneKeyDiffer()
    {
        var key = TestCertificates.GenerateKey(TestKeyType.EcP256).Private;
        var protector = Protector();

        Assert.NotEqual(protector.Protect(key, RowId), protector.Protect(key, RowId));
    }

    [Fact]
    public void WrongMasterKeyIsRefusedClearly()
    {
        var blob = Protector().Protect(TestCertificates.GenerateKey(TestKeyType.EcP256).Private, RowId);

        var ex = Assert.Throws<PrivateKeyProtectionException>(() => Protector(Secret + "!").Unprotect(blob, RowId));

        Assert.Contains("another master key", ex.Message);
    }

    [Fact]
    public void AKeyCopiedIntoAnotherRowIsRefused()
    {
        var blob = Protector().Protect(TestCertificates.GenerateKey(TestKeyType.EcP256).Private, RowId);

        Assert.Throws<PrivateKeyProtectionException>(() => Protector().Unprotect(blob, Guid.CreateVersion7()));
    }

    [Fact]
    public void TamperedBlobIsRefused()
    {
        var blob = Protector().Protect(TestCertificates.GenerateKey(TestKeyType.EcP256).Private, RowId);
        blob[40] ^= 0x01;

        Assert.Throws<PrivateKeyProtectionException>(() => Protector().Unprotect(blob, RowId));
    }

    [Fact]
    public void AKeyStoredByTheOlderFormatStillOpens()
    {
        var key = TestCertificates.GenerateKey(TestKeyType.Rsa2048).Private;
        var blob = LegacyAtRestWriters.ProtectPrivateKey(Secret, key);

        var restored = Protector().Unprotect(blob, RowId);

        Assert.Equal(PrivateKeyInfoFactory.CreatePrivateKeyInfo(key).GetEncoded(), PrivateKeyInfoFactory.CreatePrivateKeyInfo(restored).GetEncoded());
        Assert.Contains("MasterKey is not the key", Assert.Throws<PrivateKeyProtectionException>(() => Protector(Secret + "!").Unprotect(blob, RowId)).Message);
    }

    [Fact]
    public void APublicKeyIsRefused() =>
        Assert.Throws<ArgumentException>(() => Protector().Protect(TestCertificates.GenerateKey(TestKeyType.EcP256).Public, RowId));
}
