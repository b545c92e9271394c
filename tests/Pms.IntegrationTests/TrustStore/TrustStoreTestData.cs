using Google.Protobuf;
using Grpc.Core;
using Mosip.Pms.V1;
using Pms.IntegrationTests.Infrastructure;
using Pms.Testing;

namespace Pms.IntegrationTests.TrustStore;

/// <summary>EC P-256 CA chains (fast to generate), with names unique to the test that makes them.</summary>
public static class Ca
{
    public static TestCertificate Root(string name, Action<CertificateOptions>? configure = null) =>
        TestCertificates.Root(Unique(name), o =>
        {
            o.KeyType = TestKeyType.EcP256;
            configure?.Invoke(o);
        });

    public static TestCertificate Intermediate(this TestCertificate issuer, string name, Action<CertificateOptions>? configure = null) =>
        issuer.Issue(Unique(name), o =>
        {
            o.KeyType = TestKeyType.EcP256;
            configure?.Invoke(o);
        });

    public static TestCertificate Leaf(this TestCertificate issuer, string name, Action<CertificateOptions>? configure = null) =>
        issuer.IssueLeaf(Unique(name), o =>
        {
            o.KeyType = TestKeyType.EcP256;
            configure?.Invoke(o);
        });

    public static ByteString PemData(this TestCertificate certificate) => ByteString.CopyFromUtf8(certificate.Pem);

    public static ByteString Bundle(params TestCertificate[] certificates) => ByteString.CopyFromUtf8(TestCertificates.BundlePem(certificates));

    public static string Unique(string name) => $"{name} {Guid.NewGuid().ToString("N")[..6]}";
}

/// <summary>The trust store client with the admin's token, and shorthands for the calls tests make again and again.</summary>
public sealed class TrustStoreCalls(PmsFactory pms, string accessToken)
{
    public static async Task<TrustStoreCalls> AsAdminAsync(PmsFactory pms) => new(pms, (await pms.LoginAsAdminAsync()).AccessToken);

    public TrustStoreService.TrustStoreServiceClient Client { get; } = new(pms.Channel);

    public Metadata Auth { get; } = PmsFactory.Bearer(accessToken);

    public async Task<UploadCaCertificateResponse> UploadAsync(PartnerDomain domain, ByteString data) =>
        await Client.UploadCaCertificateAsync(new UploadCaCertificateRequest { PartnerDomain = domain, CertificateData = data }, Auth);

    public async Task<CaCertificate> UploadOneAsync(PartnerDomain domain, TestCertificate certificate) =>
        Assert.Single((await UploadAsync(domain, certificate.PemData())).Certificates);

    public async Task<VerifyCertificateTrustResponse> VerifyAsync(PartnerDomain domain, ByteString data) =>
        await Client.VerifyCertificateTrustAsync(new VerifyCertificateTrustRequest { PartnerDomain = domain, CertificateData = data }, Auth);
}
