using Google.Rpc;
using Grpc.Core;
using Mosip.Pms.V1;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.Partners;

public sealed class PartnerAdministrationTests(PmsFactory pms) : IClassFixture<PmsFactory>
{
    private AuditService.AuditServiceClient Audit => new(pms.Channel);

    [Fact]
    public async Task TheAdminListsPartnersNewestFirstPageByPage()
    {
        var tag = NewTag();
        var registered = new List<Partner>();
        for (var i = 0; i < 5; i++)
        {
            registered.Add(await pms.RegisterAsync(PartnerSetup.NewRegistration(organization: $"{tag} Org {i}")));
            pms.Time.Advance(TimeSpan.FromSeconds(1));
        }
        var admin = await pms.AdminAuthAsync();

        var seen = new List<Partner>();
        var request = new ListPartnersRequest { PageSize = 2, OrganizationContains = tag.ToLowerInvariant() };
        do
        {
            var page = await pms.Partners.ListPartnersAsync(request, admin);
            Assert.Equal(5, page.TotalSize);
            Assert.True(page.Partners.Count <= 2);
            seen.AddRange(page.Partners);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        Assert.Equal(registered.Select(p => p.PartnerId).Reverse(), seen.Select(p => p.PartnerId));
        Assert.Equal(registered[0].Email, seen[^1].Email);
    }

    [Fact]
    public async Task TheAdminOrdersPartnersByOrganisationUsernameOrStatus()
    {
        var tag = NewTag();
        foreach (var name in new[] { "Charlie", "Alpha", "Bravo" })
        {
            await pms.RegisterAsync(PartnerSetup.NewRegistration(organization: $"{tag} {name}"));
        }
        var admin = await pms.AdminAuthAsync();

        async Task<List<Partner>> AllAsync(string orderBy)
        {
            var all = new List<Partner>();
            var request = new ListPartnersRequest { PageSize = 1, OrganizationContains = tag, OrderBy = orderBy };
            do
            {
                var page = await pms.Partners.ListPartnersAsync(request, admin);
                all.AddRange(page.Partners);
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);
            return all;
        }

        Assert.Equal(new[] { "Alpha", "Bravo", "Charlie" },
            (await AllAsync("organization_name")).Select(p => p.OrganizationName.Split(' ')[^1]));
        Assert.Equal(new[] { "Charlie", "Bravo", "Alpha" },
            (await AllAsync("organization_name desc")).Select(p => p.OrganizationName.Split(' ')[^1]));
        var byUsername = await AllAsync("username");
        Assert.Equal(byUsername.Select(p => p.Username).Order(StringComparer.Ordinal), byUsername.Select(p => p.Username));
        Assert.Equal(3, (await AllAsync("status desc")).Count);
    }

    [Fact]
    public async Task TheAdminFiltersPartnersByTypeStatusAndOrganisation()
    {
        var tag = NewTag();
        var ftm = await pms.RegisterAsync(PartnerSetup.NewRegistration(PartnerType.FtmProvider, $"{tag} Silicon"));
        var device = await pms.RegisterAsync(PartnerSetup.NewRegistration(PartnerType.DeviceProvider, $"{tag} Scanners"));
        var admin = await pms.AdminAuthAsync();
        await pms.Partners.DeactivatePartnerAsync(new DeactivatePartnerRequest { PartnerId = device.PartnerId }, admin);

        var byType = await pms.Partners.ListPartnersAsync(
            new ListPartnersRequest { OrganizationContains = tag, PartnerType = PartnerType.DeviceProvider }, admin);
        Assert.Equal(device.PartnerId, Assert.Single(byType.Partners).PartnerId);

        var inProgress = await pms.Partners.ListPartnersAsync(
            new ListPartnersRequest { OrganizationContains = tag, Status = PartnerStatus.InProgress }, admin);
        Assert.Equal(ftm.PartnerId, Assert.Single(inProgress.Partners).PartnerId);

        var byName = await pms.Partners.ListPartnersAsync(new ListPartnersRequest { OrganizationContains = $"{tag} SILI" }, admin);
        Assert.Equal(ftm.PartnerId, Assert.Single(byName.Partners).PartnerId);

        var likeIsLiteral = await pms.Partners.ListPartnersAsync(new ListPartnersRequest { OrganizationContains = $"{tag}%" }, admin);
        Assert.Empty(likeIsLiteral.Partners);
    }

    [Fact]
    public async Task BadListParametersAreRefused()
    {
        var admin = await pms.AdminAuthAsync();

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () =>
            pms.Partners.ListPartnersAsync(new ListPartnersRequest { OrderBy = "email" }, admin).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () =>
            pms.Partners.ListPartnersAsync(new ListPartnersRequest { PageSize = -1 }, admin).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () =>
            pms.Partners.ListPartnersAsync(new ListPartnersRequest { PageToken = "not-a-token" }, admin).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () =>
            pms.Partners.ListPartnersAsync(new ListPartnersRequest { Status = (PartnerStatus)42 }, admin).ResponseAsync);

        await pms.RegisterAsync(PartnerSetup.NewRegistration());
        await pms.RegisterAsync(PartnerSetup.NewRegistration());
        var first = await pms.Partners.ListPartnersAsync(new ListPartnersRequest { PageSize = 1 }, admin);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () => pms.Partners.ListPartnersAsync(
            new ListPartnersRequest { PageSize = 1, PageToken = first.NextPageToken, OrderBy = "username" }, admin).ResponseAsync);
    }

    [Fact]
    public async Task OnlyTheAdminListsAndReadsPartners()
    {
        var partner = await pms.SignInNewPartnerAsync();

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", () =>
            pms.Partners.ListPartnersAsync(new ListPartnersRequest(), partner.Auth).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", () =>
            pms.Partners.GetPartnerAsync(new GetPartnerRequest { PartnerId = partner.Partner.PartnerId }, partner.Auth).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", () =>
            pms.Partners.DeactivatePartnerAsync(new DeactivatePartnerRequest { PartnerId = partner.Partner.PartnerId }, partner.Auth).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "AUTHENTICATION_REQUIRED", () =>
            pms.Partners.ListPartnersAsync(new ListPartnersRequest()).ResponseAsync);
    }

    [Fact]
    public async Task TheAdminGetsAPartnerWithItsPersonalData()
    {
        var registration = PartnerSetup.NewRegistration();
        var registered = await pms.RegisterAsync(registration);
        var admin = await pms.AdminAuthAsync();

        var partner = await pms.Partners.GetPartnerAsync(new GetPartnerRequest { PartnerId = registered.PartnerId }, admin);

        Assert.Equal(registered, partner);
        Assert.Equal(registration.Email, partner.Email);

        await RpcAssert.FailsAsync(StatusCode.NotFound, "PARTNER_NOT_FOUND", () =>
            pms.Partners.GetPartnerAsync(new GetPartnerRequest { PartnerId = Guid.NewGuid().ToString() }, admin).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.NotFound, "PARTNER_NOT_FOUND", () =>
            pms.Partners.GetPartnerAsync(new GetPartnerRequest { PartnerId = "no-such-partner" }, admin).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () =>
            pms.Partners.GetPartnerAsync(new GetPartnerRequest(), admin).ResponseAsync);
    }

    [Fact]
    public async Task ADeactivatedPartnerIsSignedOutAndCannotSignIn()
    {
        var partner = await pms.SignInNewPartnerAsync();
        var admin = await pms.AdminAuthAsync();

        var deactivated = await pms.Partners.DeactivatePartnerAsync(
            new DeactivatePartnerRequest { PartnerId = partner.Partner.PartnerId, Comment = "Certificate compromised" }, admin);

        Assert.Equal(PartnerStatus.Deactivated, deactivated.Status);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "PARTNER_DEACTIVATED", () =>
            pms.LoginAsync(partner.Registration.Username, partner.Password));
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_REFRESH_TOKEN", () =>
            pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = partner.Login.RefreshToken }).ResponseAsync);
        // Its access token is still within its lifetime, but its session is over: every call refuses it.
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "SESSION_REVOKED", () =>
            pms.Partners.GetCurrentPartnerAsync(new GetCurrentPartnerRequest(), partner.Auth).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "SESSION_REVOKED", () =>
            pms.Partners.GetPartnerCertificateAsync(new GetPartnerCertificateRequest(), partner.Auth).ResponseAsync);

        var events = await Audit.ListAuditEventsAsync(new ListAuditEventsRequest
        {
            ResourceType = "partner",
            ResourceId = partner.Partner.PartnerId,
            Action = "PARTNER_DEACTIVATED",
        }, admin);
        var audited = Assert.Single(events.AuditEvents);
        Assert.Equal("PARTNER_STATUS_IN_PROGRESS", audited.FromStatus);
        Assert.Equal("PARTNER_STATUS_DEACTIVATED", audited.ToStatus);
        Assert.Equal("Certificate compromised", audited.Comment);
        Assert.Equal(PmsFactory.AdminUsername, audited.ActorUsername);
    }

    [Fact]
    public async Task DeactivatingTwiceIsAnInvalidTransition()
    {
        var partner = await pms.RegisterAsync(PartnerSetup.NewRegistration());
        var admin = await pms.AdminAuthAsync();
        await pms.Partners.DeactivatePartnerAsync(new DeactivatePartnerRequest { PartnerId = partner.PartnerId }, admin);

        var info = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION", () =>
            pms.Partners.DeactivatePartnerAsync(new DeactivatePartnerRequest { PartnerId = partner.PartnerId }, admin).ResponseAsync);

        Assert.Equal("PARTNER_STATUS_DEACTIVATED", info.Metadata["current_status"]);
    }

    [Fact]
    public async Task APartnerWithoutACertificateCannotBeActivated()
    {
        var partner = await pms.RegisterAsync(PartnerSetup.NewRegistration());
        var admin = await pms.AdminAuthAsync();
        await pms.Partners.DeactivatePartnerAsync(new DeactivatePartnerRequest { PartnerId = partner.PartnerId }, admin);

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "PARTNER_CERTIFICATE_REQUIRED", () =>
            pms.Partners.ActivatePartnerAsync(new ActivatePartnerRequest { PartnerId = partner.PartnerId }, admin).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.NotFound, "PARTNER_NOT_FOUND", () =>
            pms.Partners.ActivatePartnerAsync(new ActivatePartnerRequest { PartnerId = Guid.NewGuid().ToString() }, admin).ResponseAsync);
    }

    [Fact]
    public async Task ACommentOverFiveHundredCharactersIsRefused()
    {
        var partner = await pms.RegisterAsync(PartnerSetup.NewRegistration());
        var admin = await pms.AdminAuthAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => pms.Partners.DeactivatePartnerAsync(
            new DeactivatePartnerRequest { PartnerId = partner.PartnerId, Comment = new string('c', 501) }, admin).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("comment", Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
        var unchanged = await pms.Partners.GetPartnerAsync(new GetPartnerRequest { PartnerId = partner.PartnerId }, admin);
        Assert.Equal(PartnerStatus.InProgress, unchanged.Status);
    }

    [Fact]
    public async Task TheAdminRenamesAnOrganisationAndTheRenameIsAudited()
    {
        var partner = await pms.SignInNewPartnerAsync();
        var admin = await pms.AdminAuthAsync();

        var renamed = await pms.Partners.UpdateOrganizationNameAsync(new UpdateOrganizationNameRequest
        {
            PartnerId = partner.Partner.PartnerId,
            OrganizationName = "  Chip Works Renamed Ltd ",
            Comment = "Renewal under the new legal name",
        }, admin);

        Assert.Equal("Chip Works Renamed Ltd", renamed.OrganizationName);
        var self = await pms.Partners.GetCurrentPartnerAsync(new GetCurrentPartnerRequest(), partner.Auth);
        Assert.Equal("Chip Works Renamed Ltd", self.OrganizationName);

        var events = await Audit.ListAuditEventsAsync(new ListAuditEventsRequest
        {
            ResourceType = "partner",
            ResourceId = partner.Partner.PartnerId,
            Action = "PARTNER_ORGANIZATION_RENAMED",
        }, admin);
        var audited = Assert.Single(events.AuditEvents);
        Assert.Contains(partner.Partner.OrganizationName, audited.Detail);
        Assert.Contains("Chip Works Renamed Ltd", audited.Detail);
        Assert.Equal("Renewal under the new legal name", audited.Comment);
    }

    [Fact]
    public async Task ARenameToAnEmptyOrOverlongNameIsRefused()
    {
        var partner = await pms.RegisterAsync(PartnerSetup.NewRegistration());
        var admin = await pms.AdminAuthAsync();

        foreach (var name in new[] { "   ", new string('o', 129) })
        {
            await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () => pms.Partners.UpdateOrganizationNameAsync(
                new UpdateOrganizationNameRequest { PartnerId = partner.PartnerId, OrganizationName = name }, admin).ResponseAsync);
        }
        await RpcAssert.FailsAsync(StatusCode.NotFound, "PARTNER_NOT_FOUND", () => pms.Partners.UpdateOrganizationNameAsync(
            new UpdateOrganizationNameRequest { PartnerId = Guid.NewGuid().ToString(), OrganizationName = "Anything" }, admin).ResponseAsync);
    }

    private static string NewTag() => "T" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
}
