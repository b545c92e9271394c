using Google.Protobuf;
using Grpc.Core;
using Mosip.Pms.V1;
using Pms.Grpc.Certificates;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.TrustStore;

/// <summary>Who may call what: uploads are the admin's; reads and trust answers are for the admin and internal services.</summary>
public sealed class TrustStoreAccessTests(PmsFactory pms) : IClassFixture<PmsFactory>
{
    private TrustStoreService.TrustStoreServiceClient Client => new(pms.Channel);

    [Fact]
    public async Task APartnerIsDeniedEveryTrustStoreCall()
    {
        var token = await pms.SignInWithRolesAsync("FTM_PROVIDER");
        var auth = PmsFactory.Bearer(token);
        var root = Ca.Root("Partner Attempt Root");

        await Denied(() => Client.UploadCaCertificateAsync(new UploadCaCertificateRequest { PartnerDomain = PartnerDomain.Ftm, CertificateData = root.PemData() }, auth).ResponseAsync);
        await Denied(() => Client.ListCaCertificatesAsync(new ListCaCertificatesRequest(), auth).ResponseAsync);
        await Denied(() => Client.GetCaCertificateAsync(new GetCaCertificateRequest { CertificateId = Guid.NewGuid().ToString() }, auth).ResponseAsync);
        await Denied(() => Client.DownloadCaCertificateAsync(new DownloadCaCertificateRequest { CertificateId = Guid.NewGuid().ToString() }, auth).ResponseAsync);
        await Denied(() => Client.VerifyCertificateTrustAsync(new VerifyCertificateTrustRequest { PartnerDomain = PartnerDomain.Ftm, CertificateData = root.PemData() }, auth).ResponseAsync);
        await Denied(() => Client.GetSigningCertificateAsync(new GetSigningCertificateRequest(), auth).ResponseAsync);
    }

    [Fact]
    public async Task WithoutATokenEveryCallIsUnauthenticated()
    {
        var root = Ca.Root("Anonymous Attempt Root");
        await Unauthenticated(() => Client.UploadCaCertificateAsync(new UploadCaCertificateRequest { PartnerDomain = PartnerDomain.Ftm, CertificateData = root.PemData() }).ResponseAsync);
        await Unauthenticated(() => Client.ListCaCertificatesAsync(new ListCaCertificatesRequest()).ResponseAsync);
        await Unauthenticated(() => Client.VerifyCertificateTrustAsync(new VerifyCertificateTrustRequest { PartnerDomain = PartnerDomain.Ftm, CertificateData = root.PemData() }).ResponseAsync);
        await Unauthenticated(() => Client.GetSigningCertificateAsync(new GetSigningCertificateRequest()).ResponseAsync);
    }

    [Fact]
    public async Task AnInternalServiceReadsAndVerifiesButMayNotUpload()
    {
        var admin = await TrustStoreCalls.AsAdminAsync(pms);
        var root = Ca.Root("Service Root");
        var stored = await admin.UploadOneAsync(PartnerDomain.Auth, root);
        var service = new TrustStoreCalls(pms, await pms.SignInWithRolesAsync("PMS_SERVICE"));

        var verdict = await service.VerifyAsync(PartnerDomain.Auth, root.Leaf("auth-partner").PemData());
        Assert.True(verdict.Trusted, verdict.Reason);
        Assert.Equal(stored.CertificateId, Assert.Single(verdict.Chain));
        Assert.Contains(stored, (await service.Client.ListCaCertificatesAsync(new ListCaCertificatesRequest(), service.Auth)).CaCertificates);
        Assert.Equal(stored, await service.Client.GetCaCertificateAsync(new GetCaCertificateRequest { CertificateId = stored.CertificateId }, service.Auth));
        Assert.Equal(root.Pem, (await service.Client.DownloadCaCertificateAsync(new DownloadCaCertificateRequest { CertificateId = stored.CertificateId }, service.Auth)).TrustPathPem);
        await service.Client.GetSigningCertificateAsync(new GetSigningCertificateRequest(), service.Auth);

        await Denied(() => service.UploadAsync(PartnerDomain.Auth, Ca.Root("Service Upload Attempt").PemData()));
    }

    [Fact]
    public async Task MissingAndMalformedIdsAreNotFoundAndEmptyOnesInvalid()
    {
        var admin = await TrustStoreCalls.AsAdminAsync(pms);
        await RpcAssert.FailsAsync(StatusCode.NotFound, "CA_CERTIFICATE_NOT_FOUND",
            () => admin.Client.GetCaCertificateAsync(new GetCaCertificateRequest { CertificateId = Guid.NewGuid().ToString() }, admin.Auth).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.NotFound, "CA_CERTIFICATE_NOT_FOUND",
            () => admin.Client.DownloadCaCertificateAsync(new DownloadCaCertificateRequest { CertificateId = "not-a-uuid" }, admin.Auth).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => admin.Client.GetCaCertificateAsync(new GetCaCertificateRequest(), admin.Auth).ResponseAsync);
    }

    [Fact]
    public async Task TheSigningCertificateIsPmssOwnCa()
    {
        var admin = await TrustStoreCalls.AsAdminAsync(pms);
        var signing = await admin.Client.GetSigningCertificateAsync(new GetSigningCertificateRequest(), admin.Auth);

        var parsed = CertificateParser.ParseSingle(System.Text.Encoding.ASCII.GetBytes(signing.CertificatePem));
        Assert.True(parsed.IsCa);
        Assert.True(parsed.IsSelfSigned);
        Assert.Equal(parsed.Subject, signing.Subject);
        Assert.Contains("CN=PMS Signing CA", signing.Subject);
        Assert.Equal(parsed.ThumbprintSha256, signing.ThumbprintSha256);
        Assert.Equal(parsed.NotAfter, signing.NotAfter.ToDateTimeOffset());
        Assert.InRange(signing.NotAfter.ToDateTimeOffset() - signing.NotBefore.ToDateTimeOffset(), TimeSpan.FromDays(3640), TimeSpan.FromDays(3660));

        // The same CA on every call (loaded once at start-up, not regenerated).
        Assert.Equal(signing, await admin.Client.GetSigningCertificateAsync(new GetSigningCertificateRequest(), admin.Auth));
    }

    private static Task Denied(Func<Task> call) => RpcAssert.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", call);

    private static Task Unauthenticated(Func<Task> call) => RpcAssert.FailsAsync(StatusCode.Unauthenticated, "AUTHENTICATION_REQUIRED", call);
}
