using Google.Protobuf;
using Grpc.Core;
using Mosip.Pms.V1;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.FtmChips;

public sealed class FtmChipOwnershipTests(FtmChipsFactory pms) : IClassFixture<FtmChipsFactory>
{
    [Fact]
    public async Task AnotherProvidersChipAnswersExactlyAsAChipThatDoesNotExist()
    {
        var owner = await pms.NewProviderAsync();
        var stranger = await pms.NewProviderAsync();
        var admin = await pms.AdminAsync();
        var chip = await pms.ApprovedChipAsync(owner, admin);
        var missing = Guid.NewGuid().ToString();

        foreach (var id in new[] { chip.FtmChipId, missing })
        {
            var answers = new List<string>
            {
                (await RpcAssert.FailsAsync(StatusCode.NotFound, "FTM_CHIP_NOT_FOUND", () =>
                    pms.Chips.GetFtmChipAsync(new GetFtmChipRequest { FtmChipId = id }, stranger.Auth).ResponseAsync)).ToString(),
                (await RpcAssert.FailsAsync(StatusCode.NotFound, "FTM_CHIP_NOT_FOUND", () =>
                    pms.Chips.GetFtmChipCertificateAsync(new GetFtmChipCertificateRequest { FtmChipId = id }, stranger.Auth).ResponseAsync)).ToString(),
                (await RpcAssert.FailsAsync(StatusCode.NotFound, "FTM_CHIP_NOT_FOUND", () =>
                    pms.Chips.DeactivateFtmChipAsync(new DeactivateFtmChipRequest { FtmChipId = id, Etag = chip.Etag }, stranger.Auth).ResponseAsync)).ToString(),
                (await RpcAssert.FailsAsync(StatusCode.NotFound, "FTM_CHIP_NOT_FOUND", () =>
                    pms.Chips.UploadFtmChipCertificateAsync(new UploadFtmChipCertificateRequest
                    {
                        FtmChipId = id,
                        CertificateData = ByteString.CopyFrom(pms.ChipCertificate(stranger.Organization).PemBytes),
                    }, stranger.Auth).ResponseAsync)).ToString(),
            };
            Assert.All(answers, a => Assert.Equal(answers[0], a));
        }

        // Nothing changed: the owner still has its approved chip.
        var seen = await pms.Chips.GetFtmChipAsync(new GetFtmChipRequest { FtmChipId = chip.FtmChipId }, owner.Auth);
        Assert.Equal(FtmChipStatus.Approved, seen.Status);
        Assert.Equal(chip.Etag, seen.Etag);
    }

    [Fact]
    public async Task AProviderListsOnlyItsOwnChipsWhileAdminsAndServicesListEveryProvidersChips()
    {
        var first = await pms.NewProviderAsync();
        var second = await pms.NewProviderAsync();
        var firstChips = new[] { await pms.AddChipAsync(first), await pms.AddChipAsync(first) };
        var secondChip = await pms.AddChipAsync(second);

        var own = await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest(), first.Auth);
        Assert.Equal(2, own.TotalSize);
        Assert.Equal(firstChips.Select(c => c.FtmChipId).Order(), own.FtmChips.Select(c => c.FtmChipId).Order());

        var asksForAnother = await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest { PartnerId = second.PartnerId.ToString() }, first.Auth);
        Assert.Equal(0, asksForAnother.TotalSize);
        Assert.Empty(asksForAnother.FtmChips);

        var admin = await pms.AdminAsync();
        var everyone = await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest { PageSize = 200 }, admin);
        Assert.Superset(new[] { firstChips[0].FtmChipId, firstChips[1].FtmChipId, secondChip.FtmChipId }.ToHashSet(),
            everyone.FtmChips.Select(c => c.FtmChipId).ToHashSet());
        var onlySecond = await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest { PartnerId = second.PartnerId.ToString() }, admin);
        Assert.Equal([secondChip.FtmChipId], onlySecond.FtmChips.Select(c => c.FtmChipId));

        var service = await pms.ServiceAsync();
        var byService = await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest { PartnerId = first.PartnerId.ToString() }, service);
        Assert.Equal(2, byService.TotalSize);
        var one = await pms.Chips.GetFtmChipAsync(new GetFtmChipRequest { FtmChipId = secondChip.FtmChipId }, service);
        Assert.Equal(second.Organization, one.OrganizationName);
    }

    [Fact]
    public async Task ProvidersMayNotApproveOrRejectEvenTheirOwnChips()
    {
        var provider = await pms.NewProviderAsync();
        var chip = await pms.PendingChipAsync(provider);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", () => pms.ApproveAsync(provider.Auth, chip));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", () =>
            pms.Chips.RejectFtmChipAsync(new RejectFtmChipRequest { FtmChipId = chip.FtmChipId }, provider.Auth).ResponseAsync);
    }

    [Fact]
    public async Task InternalServicesReadChipsButChangeNone()
    {
        var provider = await pms.NewProviderAsync();
        var admin = await pms.AdminAsync();
        var chip = await pms.ApprovedChipAsync(provider, admin);
        var service = await pms.ServiceAsync();

        var pair = await pms.Chips.GetFtmChipCertificateAsync(new GetFtmChipCertificateRequest { FtmChipId = chip.FtmChipId }, service);
        Assert.Contains("BEGIN CERTIFICATE", pair.MosipSignedCertificatePem);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", () =>
            pms.Chips.DeactivateFtmChipAsync(new DeactivateFtmChipRequest { FtmChipId = chip.FtmChipId }, service).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", () => pms.ApproveAsync(service, chip));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", () =>
            pms.Chips.AddFtmChipAsync(new AddFtmChipRequest { Make = "M", Model = "N" }, service).ResponseAsync);
    }

    [Fact]
    public async Task AdminsDeactivateAnyChipButAddNone()
    {
        var provider = await pms.NewProviderAsync();
        var admin = await pms.AdminAsync();
        var chip = await pms.ApprovedChipAsync(provider, admin);

        var deactivated = await pms.Chips.DeactivateFtmChipAsync(new DeactivateFtmChipRequest { FtmChipId = chip.FtmChipId }, admin);
        Assert.Equal(FtmChipStatus.Deactivated, deactivated.Status);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", () =>
            pms.Chips.AddFtmChipAsync(new AddFtmChipRequest { Make = "M", Model = "N" }, admin).ResponseAsync);
    }

    [Fact]
    public async Task WithoutATokenNothingAnswers()
    {
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "AUTHENTICATION_REQUIRED", () =>
            pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest()).ResponseAsync);
    }
}
