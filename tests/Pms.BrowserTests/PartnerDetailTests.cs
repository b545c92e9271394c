using Pms.BrowserTests.Infrastructure;

namespace Pms.BrowserTests;

[Collection(PortalCollection.Name)]
public sealed class PartnerDetailTests(PortalFixture portal)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Patiently = new() { Timeout = 60_000 };

    [Fact]
    public async Task TheAdminReadsAPartnersDetailsThenCorrectsItsOrganisationNameAndSeesTheAuditEntry()
    {
        // A provider with an accepted certificate and two chips, one of them with its certificate (arranged over gRPC).
        using var certificates = new CertificateFiles("Detail");
        var arrange = new Arrange(portal);
        await arrange.TrustAsync(certificates);
        var provider = Provider.New("detail");
        var token = await arrange.ActiveProviderAsync(provider, certificates);
        await arrange.ChipAsync(token, provider, certificates, "Gamma", "G1", uploadCertificate: true);
        await arrange.ChipAsync(token, provider, certificates, "Gamma", "G2", uploadCertificate: false);

        await using var admin = await portal.OpenAsync();
        var page = admin.Page;
        try
        {
            await admin.GotoAsync("/login");
            await admin.SignInAsAdminAsync();
            await admin.NavigateAsync("Partners", "Partners");
            await page.GetByLabel("Organisation contains").FillAsync(provider.Organization);
            await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
            await admin.Row(provider.Organization).GetByRole(AriaRole.Link, new() { Name = provider.Organization }).ClickAsync();
            await Expect(admin.Heading).ToHaveTextAsync(provider.Organization);

            // The partner, its certificate, its chips and what was done to its account.
            var partner = page.GetByRole(AriaRole.Region, new() { Name = "Partner", Exact = true });
            await Expect(partner).ToContainTextAsync(provider.Email);
            await Expect(partner).ToContainTextAsync(provider.Username);
            await Expect(partner).ToContainTextAsync("FTM Chip Provider");
            var certificate = page.GetByRole(AriaRole.Region, new() { Name = "Partner certificate" });
            await Expect(certificate).ToContainTextAsync($"O={provider.Organization}", new() { Timeout = 60_000 });
            await Expect(certificate).ToContainTextAsync("MOSIP-signed certificate expires");
            var chips = page.GetByRole(AriaRole.Table, new() { Name = "FTM chips of this partner" });
            await Expect(chips.GetByRole(AriaRole.Row)).ToHaveCountAsync(3, new() { Timeout = 60_000 });
            await Expect(chips).ToContainTextAsync("Gamma G1");
            await Expect(chips.Locator("tr").Filter(new() { HasText = "Gamma G1" })).ToContainTextAsync("Pending for Approval");
            await Expect(chips.Locator("tr").Filter(new() { HasText = "Gamma G2" })).ToContainTextAsync("Pending for Certificate Upload");
            var audit = page.GetByRole(AriaRole.Table, new() { Name = "Recent activity" });
            await Expect(audit).ToContainTextAsync("partner certificate uploaded", new() { Timeout = 60_000 });
            await Expect(audit).ToContainTextAsync("partner registered");

            var (fileName, pem) = await admin.DownloadAsync(certificate.GetByRole(AriaRole.Button, new() { Name = "Download MOSIP-signed certificate" }));
            Assert.EndsWith("-mosip-signed.pem", fileName);
            Assert.StartsWith("-----BEGIN CERTIFICATE-----", pem);
            await admin.ScreenshotAsync("admin-partner-detail");

            // The correction: the page's own check, then the server's, each beside the field.
            await page.GetByRole(AriaRole.Link, new() { Name = "Correct organisation name" }).ClickAsync();
            await Expect(admin.Heading).ToHaveTextAsync("Correct organisation name");
            var name = page.GetByLabel("New organisation name");
            await Expect(name).ToHaveValueAsync(provider.Organization);
            var save = page.GetByRole(AriaRole.Button, new() { Name = "Save organisation name" });
            await name.FillAsync("   ");
            await save.ClickAsync();
            await Expect(page.Locator("#field-organization_name-error")).ToHaveTextAsync("Enter the organisation name.");
            await Expect(name).ToHaveAttributeAsync("aria-invalid", "true");

            await name.FillAsync(new string('x', 129));
            await save.ClickAsync();
            await Expect(page.Locator("#field-organization_name-error")).ToContainTextAsync("at most 128 characters", new() { Timeout = 60_000 });
            await admin.ScreenshotAsync("admin-organization-name-errors");

            var renamed = provider.Organization + " Ltd";
            await name.FillAsync(renamed);
            await page.GetByLabel("Reason (optional, for the audit log)").FillAsync("Renamed after the merger.");
            await save.ClickAsync();

            // Back on the detail page: the new name, and the audit entry with both names and the reason.
            await Expect(admin.Heading).ToHaveTextAsync(renamed, new() { Timeout = 60_000 });
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "The organisation name is now" })).ToBeVisibleAsync(Patiently);
            var entry = audit.Locator("tr").Filter(new() { HasText = "partner organization renamed" });
            await Expect(entry).ToBeVisibleAsync(Patiently);
            await Expect(entry).ToContainTextAsync($"{provider.Organization} → {renamed}");
            await Expect(entry).ToContainTextAsync("Renamed after the merger.");
            await Expect(entry).ToContainTextAsync(PortalFixture.AdminUsername);
            await admin.ScreenshotAsync("admin-partner-renamed");

            // Deactivation from the same page: the status changes and the audit gains the entry with its comment.
            await page.GetByRole(AriaRole.Button, new() { Name = "Deactivate" }).ClickAsync();
            await Expect(admin.Dialog).ToContainTextAsync($"Deactivate {renamed}?");
            await admin.Dialog.GetByLabel("Comment").FillAsync("Contract ended.");
            await admin.Dialog.GetByRole(AriaRole.Button, new() { Name = "Deactivate" }).ClickAsync();
            await Expect(admin.Dialog).ToBeHiddenAsync(new() { Timeout = 60_000 });
            await Expect(partner.Locator(".partner-status")).ToHaveTextAsync("Deactivated");
            var deactivated = audit.Locator("tr").Filter(new() { HasText = "partner deactivated" });
            await Expect(deactivated).ToContainTextAsync("Contract ended.", new() { Timeout = 60_000 });
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Activate" })).ToBeVisibleAsync();

            // The same page in Arabic, right to left: its own texts, the audit entry's words and the rename from resources.
            await page.GetByRole(AriaRole.Combobox, new() { Name = "Language" }).SelectOptionAsync("ar");
            await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl", new() { Timeout = 90_000 });
            await Expect(admin.Heading).ToHaveTextAsync(renamed, new() { Timeout = 90_000 });
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "تصحيح اسم المؤسسة" })).ToBeVisibleAsync(Patiently);
            var arabicEntry = page.Locator("tr").Filter(new() { HasText = "اسم المؤسسة:" });
            await Expect(arabicEntry).ToContainTextAsync(renamed, new() { Timeout = 60_000 });
            await Expect(arabicEntry).Not.ToContainTextAsync("partner organization renamed");
            await admin.ScreenshotAsync("admin-partner-detail-ar");

            await admin.AssertHealthyAsync();
        }
        catch (Exception ex)
        {
            // What the admin saw: CI shows only part of its log, and the page text says most.
            throw new Xunit.Sdk.XunitException($"{ex.Message}\n--- Page {page.Url} ---\n{await PageTextAsync(page)}", ex);
        }
    }

    private static async Task<string> PageTextAsync(IPage page)
    {
        try
        {
            return await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 });
        }
        catch (PlaywrightException)
        {
            return "(page text unavailable)";
        }
    }
}
