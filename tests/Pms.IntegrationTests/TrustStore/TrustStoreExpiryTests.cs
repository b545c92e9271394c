using Google.Protobuf;
using Grpc.Core;
using Mosip.Pms.V1;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.TrustStore;

/// <summary>Time passes: stored certificates expire, and the answers say so.</summary>
public sealed class TrustStoreExpiryTests(PmsFactory pms) : IClassFixture<PmsFactory>
{
    [Fact]
    public async Task AnExpiredCaIsFlaggedLeftOutOfExpiringSoonAndNoLongerTrusted()
    {
        var calls = await TrustStoreCalls.AsAdminAsync(pms);
        var now = pms.Time.GetUtcNow();
        var root = Ca.Root("Ageing Root", o => o.NotAfter = now.AddDays(400));
        var stored = await calls.UploadOneAsync(PartnerDomain.Ftm, root);
        var leaf = root.Leaf("ageing leaf", o => o.NotAfter = now.AddDays(800));

        Assert.True((await calls.VerifyAsync(PartnerDomain.Ftm, leaf.PemData())).Trusted);
        Assert.Equal(1, (await calls.Client.ListCaCertificatesAsync(new ListCaCertificatesRequest { ExpiringWithinDays = 401 }, calls.Auth)).TotalSize);

        pms.Time.Advance(TimeSpan.FromDays(401));
        // The session outlived its token: sign in again.
        calls = await TrustStoreCalls.AsAdminAsync(pms);

        var listed = Assert.Single((await calls.Client.ListCaCertificatesAsync(new ListCaCertificatesRequest(), calls.Auth)).CaCertificates);
        Assert.True(listed.Expired);
        Assert.True((await calls.Client.GetCaCertificateAsync(new GetCaCertificateRequest { CertificateId = stored.CertificateId }, calls.Auth)).Expired);
        Assert.Equal(0, (await calls.Client.ListCaCertificatesAsync(new ListCaCertificatesRequest { ExpiringWithinDays = 30 }, calls.Auth)).TotalSize);

        var verdict = await calls.VerifyAsync(PartnerDomain.Ftm, leaf.PemData());
        Assert.False(verdict.Trusted);
        Assert.Equal("TRUST_PATH_NOT_FOUND", verdict.ReasonCode);
        Assert.Contains("expired", verdict.Reason);

        // And the same root can no longer be uploaded anywhere.
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "CERTIFICATE_EXPIRED",
            () => calls.UploadAsync(PartnerDomain.Device, ByteString.CopyFrom(root.Der)), "KER-PCM-004");
    }
}
