using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Mosip.Pms.V1;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.Edge;

/// <summary>The inputs issue 10 found reaching INTERNAL, each now refused at the edge with the field it concerns.</summary>
public sealed class InputLimitTests(EdgeFactory pms) : IClassFixture<EdgeFactory>
{
    private TrustStoreService.TrustStoreServiceClient TrustStore => new(pms.Channel);

    [Fact]
    public async Task AnExpiryFilterBeyondAHundredYearsIsRefusedNotOverflowed()
    {
        await RefusedAsync("expiring_within_days", () => TrustStore.ListCaCertificatesAsync(
            new ListCaCertificatesRequest { ExpiringWithinDays = int.MaxValue }, pms.Admin).ResponseAsync);
        await RefusedAsync("certificate_expiring_within_days", () => pms.Chips.ListFtmChipsAsync(
            new ListFtmChipsRequest { CertificateExpiringWithinDays = int.MaxValue }, pms.Provider.Auth).ResponseAsync);

        var page = await TrustStore.ListCaCertificatesAsync(new ListCaCertificatesRequest { ExpiringWithinDays = 36_500 }, pms.Admin);
        Assert.Equal(2, page.TotalSize); // the FTM root and intermediate expire within 100 years
    }

    [Theory]
    [InlineData(long.MaxValue, 0)]
    [InlineData(-62_135_596_801L, 0)]
    [InlineData(0L, 1_000_000_000)]
    public async Task AValidationTimeOutsideTheTimestampRangeIsRefused(long seconds, int nanos)
    {
        await RefusedAsync("validation_time", () => TrustStore.VerifyCertificateTrustAsync(new VerifyCertificateTrustRequest
        {
            PartnerDomain = PartnerDomain.Ftm,
            CertificateData = Google.Protobuf.ByteString.CopyFrom(pms.ChipCertificate(pms.Provider.Organization).Der),
            ValidationTime = new Timestamp { Seconds = seconds, Nanos = nanos },
        }, pms.Admin).ResponseAsync);
    }

    [Fact]
    public async Task ContainsFiltersAndPageTokensHaveALengthLimitFarBelowTheMessageCap()
    {
        var text = new string('a', 100_000);
        await RefusedAsync("subject_contains", () => TrustStore.ListCaCertificatesAsync(
            new ListCaCertificatesRequest { SubjectContains = text }, pms.Admin).ResponseAsync);
        await RefusedAsync("organization_contains", () => pms.Partners.ListPartnersAsync(
            new ListPartnersRequest { OrganizationContains = text }, pms.Admin).ResponseAsync);
        await RefusedAsync("make_contains", () => pms.Chips.ListFtmChipsAsync(
            new ListFtmChipsRequest { MakeContains = text }, pms.Provider.Auth).ResponseAsync);
        await RefusedAsync("actor_contains", () => pms.Audit.ListAuditEventsAsync(
            new ListAuditEventsRequest { ActorContains = text }, pms.Admin).ResponseAsync);
        await RefusedAsync("page_token", () => pms.Partners.ListPartnersAsync(
            new ListPartnersRequest { PageToken = text }, pms.Admin).ResponseAsync);
    }

    [Fact]
    public async Task ANulCharacterInAFilterIsRefusedBeforeItReachesTheDatabase()
    {
        await RefusedAsync("organization_contains", () => pms.Partners.ListPartnersAsync(
            new ListPartnersRequest { OrganizationContains = "Chip\0Works" }, pms.Admin).ResponseAsync);
        await RefusedAsync("action", () => pms.Audit.ListAuditEventsAsync(
            new ListAuditEventsRequest { Action = "\0" }, pms.Admin).ResponseAsync);
    }

    private static async Task RefusedAsync(string field, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var status = ex.GetRpcStatus()!;
        Assert.Equal("VALIDATION_FAILED", status.GetDetail<ErrorInfo>()!.Reason);
        Assert.Contains(field, status.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));
    }
}
