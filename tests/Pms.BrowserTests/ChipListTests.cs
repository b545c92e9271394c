using Pms.BrowserTests.Infrastructure;

namespace Pms.BrowserTests;

[Collection(PortalCollection.Name)]
public sealed class ChipListTests(PortalFixture portal)
{
    [Fact]
    public async Task TheChipListPagesSortsAndFiltersAndARejectionReachesTheProvider()
    {
        // A provider with twelve chips: Alpha M01–M06 and Beta M07–M12, the first three with certificates.
        using var certificates = new CertificateFiles("Lists");
        var arrange = new Arrange(portal);
        await arrange.TrustAsync(certificates);
        var provider = Provider.New("lists");
        var token = await arrange.ActiveProviderAsync(provider, certificates);
        for (var i = 1; i <= 12; i++)
        {
            await arrange.ChipAsync(token, provider, certificates, i <= 6 ? "Alpha" : "Beta", $"M{i:00}", uploadCertificate: i <= 3);
        }

        await using var tab = await portal.OpenAsync();
        await tab.GotoAsync("/login");
        await tab.SignInAsync(provider.Username, provider.Password);
        await Expect(tab.Page.Locator(".dash-card").Filter(new() { HasText = "FTM Chip Provider Services" }))
            .ToContainTextAsync("9 chips need a certificate.");
        await tab.NavigateAsync("FTM Chips", "FTM Chips");
        var rows = tab.Page.Locator("tbody tr");
        var page = tab.Page;

        // Pages of ten, newest first, with next_page_token behind "Next".
        await Expect(page.GetByText("1–10 of 12")).ToBeVisibleAsync();
        await Expect(rows).ToHaveCountAsync(10);
        await Expect(rows.First).ToContainTextAsync("M12");
        await Expect(rows.First).ToContainTextAsync("Pending for Certificate Upload");
        await tab.ScreenshotAsync("provider-chips-page-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(page.GetByText("11–12 of 12")).ToBeVisibleAsync();
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Last).ToContainTextAsync("M01");
        await Expect(rows.Last).ToContainTextAsync("Pending for Approval");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Next" })).ToBeDisabledAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Previous" }).ClickAsync();
        await Expect(page.GetByText("1–10 of 12")).ToBeVisibleAsync();

        // Sort, then filter by status, by make, and to nothing at all.
        await page.GetByLabel("Sort by").SelectOptionAsync("model asc");
        await Expect(rows.First).ToContainTextAsync("M01");
        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("PendingApproval");
        await Expect(page.GetByText("1–3 of 3")).ToBeVisibleAsync();
        await Expect(rows).ToHaveCountAsync(3);

        await page.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await page.GetByLabel("Make contains").FillAsync("bet");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.GetByText("1–6 of 6")).ToBeVisibleAsync();
        await Expect(rows.Filter(new() { HasText = "Alpha" })).ToHaveCountAsync(0);

        await page.GetByLabel("Model contains").FillAsync("no-such-model");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.GetByText("No FTM chip matches these filters.")).ToBeVisibleAsync();

        // The admin rejects M02 from its own page, with a reason.
        await using var admin = await portal.OpenAsync();
        await admin.GotoAsync("/login");
        await admin.SignInAsAdminAsync();
        await admin.NavigateAsync("FTM Chips", "FTM Chips");
        await admin.Page.GetByLabel("Organisation contains").FillAsync(provider.Organization);
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(admin.Page.GetByText("1–10 of 12")).ToBeVisibleAsync();
        await admin.Page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("PendingApproval");
        await Expect(admin.Page.GetByText("1–3 of 3")).ToBeVisibleAsync();
        await admin.Row("M02").GetByRole(AriaRole.Link, new() { Name = "Details" }).ClickAsync();
        await Expect(admin.Heading).ToHaveTextAsync("Alpha M02");
        await Expect(admin.Page.GetByRole(AriaRole.Heading, new() { Name = "FTM chip certificate" })).ToBeVisibleAsync();
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Approve / Reject" }).ClickAsync();
        await admin.Dialog.GetByLabel("Comment").FillAsync("The certificate names the wrong product line.");
        await admin.Dialog.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await Expect(admin.Page.Locator(".chip-status")).ToHaveTextAsync("Rejected");
        await Expect(admin.Page.GetByRole(AriaRole.Heading, new() { Name = "FTM chip certificate" })).ToHaveCountAsync(0);
        await admin.ScreenshotAsync("admin-chip-rejected");

        // The provider reads the reason; a rejected chip takes no certificate.
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await page.GetByLabel("Model contains").FillAsync("M02");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(tab.Row("M02")).ToContainTextAsync("Rejected");
        await tab.Row("M02").GetByRole(AriaRole.Link, new() { Name = "Manage" }).ClickAsync();
        await Expect(page.GetByText("The certificate names the wrong product line.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Upload FTM Chip Certificate" })).ToHaveCountAsync(0);

        await tab.AssertHealthyAsync();
        await admin.AssertHealthyAsync();
    }
}
