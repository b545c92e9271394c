using System.Text.RegularExpressions;
using Pms.BrowserTests.Infrastructure;

namespace Pms.BrowserTests;

/// <summary>
/// The onboarding of an FTM chip provider as issue 6 tells it, in two browser tabs (the admin's and the provider's):
/// the admin fills the trust store; (1) a provider registers, accepts the terms, uploads its partner certificate, adds a
/// chip and uploads the chip's certificate; (2) the admin approves the chip; (3) the provider sees it approved, downloads
/// its certificate and deactivates it.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class OnboardingJourneyTests(PortalFixture portal)
{
    [Fact]
    public async Task AProviderIsOnboardedAndItsChipApprovedThenDeactivated()
    {
        using var certificates = new CertificateFiles("Journey");
        var provider = Provider.New("acme");
        var chipMake = "Acme";
        var chipModel = $"FTM-{Guid.NewGuid():N}"[..12];

        await using var admin = await portal.OpenAsync();
        await using var partner = await portal.OpenAsync();

        // ---- The admin uploads the FTM root and intermediate CAs.
        await admin.GotoAsync("/login");
        await admin.SignInAsAdminAsync();
        await UploadCaAsync(admin, certificates.Write("journey-root.pem", certificates.Root), "Root CA");
        await admin.ScreenshotAsync("admin-ca-upload");
        await UploadCaAsync(admin, certificates.Write("journey-intermediate.pem", certificates.Intermediate), "Intermediate CA");

        await admin.NavigateAsync("Certificate Trust Store", "Certificate Trust Store");
        await Expect(admin.Page.GetByRole(AriaRole.Tab, new() { Name = "Root CA" })).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(admin.Row("Journey FTM Root CA")).ToContainTextAsync("FTM");
        await admin.ScreenshotAsync("admin-trust-store-root");
        await admin.Page.GetByRole(AriaRole.Tab, new() { Name = "Intermediate CA" }).ClickAsync();
        var intermediateRow = admin.Row("Journey FTM Issuing CA");
        await Expect(intermediateRow).ToContainTextAsync("Journey FTM Root CA");
        await admin.ScreenshotAsync("admin-trust-store-intermediate");

        await intermediateRow.GetByRole(AriaRole.Link, new() { Name = "Details" }).ClickAsync();
        await Expect(admin.Heading).ToHaveTextAsync("Journey FTM Issuing CA");
        await Expect(admin.Page.GetByText("Intermediate CA · FTM domain")).ToBeVisibleAsync();
        var (pathName, trustPath) = await admin.DownloadAsync(admin.Page.GetByRole(AriaRole.Button, new() { Name = "Download trust path" }));
        Assert.EndsWith("-trust-path.pem", pathName);
        Assert.Equal(2, Regex.Matches(trustPath, "BEGIN CERTIFICATE").Count);
        await admin.ScreenshotAsync("admin-ca-details");

        // ---- (1) The provider registers and is led to the terms, which it reads and accepts.
        await provider.RegisterAsync(partner);
        await Expect(partner.Heading).ToHaveTextAsync("Terms and conditions");
        await Expect(partner.Page.Locator(".terms-text")).ToContainTextAsync("Terms and Conditions");
        var accept = partner.Page.GetByRole(AriaRole.Button, new() { Name = "Accept and continue" });
        await Expect(accept).ToBeDisabledAsync();
        await partner.Page.GetByLabel("I have read the terms and conditions").CheckAsync();
        await partner.ScreenshotAsync("provider-terms");
        await accept.ClickAsync();

        await Expect(partner.Heading).ToHaveTextAsync("Dashboard");
        await Expect(partner.Page.GetByText("Not uploaded yet.")).ToBeVisibleAsync();
        await partner.ScreenshotAsync("provider-dashboard-new");

        // A certificate of another organisation is refused with the server's reason; then the right one is accepted.
        await partner.NavigateAsync("Partner Certificate", "Partner Certificate");
        await Expect(partner.Page.GetByText("No partner certificate uploaded yet.")).ToBeVisibleAsync();
        var certificateInput = partner.Page.GetByLabel("Certificate file");
        await certificateInput.SetInputFilesAsync(certificates.Write("other-org.pem", certificates.Leaf("Someone Else", "Another Organisation")));
        await Expect(partner.Page.Locator(".filedrop-file")).ToContainTextAsync("other-org.pem");
        await partner.Page.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Expect(partner.Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "ORGANIZATION_NAME_MISMATCH" })).ToBeVisibleAsync();
        await partner.ScreenshotAsync("provider-partner-certificate-refused");

        await certificateInput.SetInputFilesAsync(certificates.Write("acme-partner.pem", certificates.Leaf("Acme Partner", provider.Organization)));
        await Expect(partner.Page.Locator(".filedrop-file")).ToContainTextAsync("acme-partner.pem");
        await partner.Page.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Expect(partner.Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "acme-partner.pem was accepted" })).ToBeVisibleAsync();
        await Expect(partner.Page.GetByRole(AriaRole.Heading, new() { Name = "Acme Partner" })).ToBeVisibleAsync();
        await Expect(partner.Page.GetByRole(AriaRole.Heading, new() { Name = "Re-upload partner certificate" })).ToBeVisibleAsync();
        var (mosipName, mosipPem) = await partner.DownloadAsync(partner.Page.GetByRole(AriaRole.Button, new() { Name = "Download MOSIP-signed certificate" }));
        Assert.Equal("Acme-Partner-mosip-signed.pem", mosipName);
        Assert.Contains("-----BEGIN CERTIFICATE-----", mosipPem);
        await partner.ScreenshotAsync("provider-partner-certificate");

        // The provider adds a chip and goes straight on to its certificate.
        await partner.NavigateAsync("FTM Chips", "FTM Chips");
        await Expect(partner.Page.GetByText("No FTM chips yet.")).ToBeVisibleAsync();
        await Expect(partner.Page.GetByText("Live updates on")).ToBeVisibleAsync();
        await partner.Page.GetByRole(AriaRole.Link, new() { Name = "Add FTM chip" }).First.ClickAsync();
        await Expect(partner.Heading).ToHaveTextAsync("Add FTM Chip");
        await partner.Page.GetByLabel("Make").FillAsync(chipMake);
        await partner.Page.GetByLabel("Model").FillAsync(chipModel);
        await partner.ScreenshotAsync("provider-add-chip");
        await partner.Page.GetByRole(AriaRole.Button, new() { Name = "Add FTM chip" }).ClickAsync();

        await Expect(partner.Heading).ToHaveTextAsync($"{chipMake} {chipModel}");
        await Expect(partner.Page.Locator(".chip-status")).ToHaveTextAsync("Pending for Certificate Upload");
        await Expect(partner.Page.GetByRole(AriaRole.Heading, new() { Name = "Upload FTM Chip Certificate" })).ToBeVisibleAsync();
        await partner.Page.GetByLabel("FTM chip certificate file").SetInputFilesAsync(
            certificates.Write("chip.pem", certificates.Leaf($"{chipMake} {chipModel}", provider.Organization)));
        await partner.ScreenshotAsync("provider-chip-upload");
        await partner.Page.GetByRole(AriaRole.Button, new() { Name = "Upload certificate" }).ClickAsync();
        await Expect(partner.Page.Locator(".chip-status")).ToHaveTextAsync("Pending for Approval");
        await Expect(partner.Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "chip.pem was accepted" })).ToBeVisibleAsync();

        // The provider watches its list while the admin decides.
        await partner.NavigateAsync("FTM Chips", "FTM Chips");
        var partnerRow = partner.Row(chipModel);
        await Expect(partnerRow).ToContainTextAsync("Pending for Approval");
        await Expect(partner.Page.GetByText("Live updates on")).ToBeVisibleAsync();

        // ---- (2) The admin finds the chip waiting and approves it with a comment.
        await admin.NavigateAsync("Dashboard", "Dashboard");
        await admin.Page.GetByRole(AriaRole.Link, new() { Name = "Review FTM chips" }).ClickAsync();
        await Expect(admin.Heading).ToHaveTextAsync("FTM Chips");
        await Expect(admin.Page.GetByLabel("Status")).ToHaveValueAsync("PendingApproval");
        var adminRow = admin.Row(chipModel);
        await Expect(adminRow).ToContainTextAsync(provider.Organization);
        await admin.ScreenshotAsync("admin-chips-pending");
        await adminRow.GetByRole(AriaRole.Button, new() { Name = "Review" }).ClickAsync();
        await Expect(admin.Dialog).ToBeVisibleAsync();
        await admin.Dialog.GetByLabel("Comment").FillAsync("Certificate checked against the lab report.");
        await admin.ScreenshotAsync("admin-chip-review");
        await admin.Dialog.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(admin.Dialog).ToBeHiddenAsync();
        await Expect(admin.Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "is now Approved" })).ToBeVisibleAsync();
        await Expect(adminRow).ToContainTextAsync("Approved");

        // ---- (3) The provider's open list turned Approved by itself (WatchFtmChips), without a reload.
        await Expect(partnerRow).ToContainTextAsync("Approved");
        await partner.ScreenshotAsync("provider-chips-approved");

        await partnerRow.GetByRole(AriaRole.Link, new() { Name = "Manage" }).ClickAsync();
        await Expect(partner.Page.Locator(".chip-status")).ToHaveTextAsync("Approved");
        await Expect(partner.Page.GetByText("Certificate checked against the lab report.")).ToBeVisibleAsync();
        var (chipFile, chipPem) = await partner.DownloadAsync(partner.Page.GetByRole(AriaRole.Button, new() { Name = "Download MOSIP-signed certificate" }));
        Assert.EndsWith("-mosip-signed.pem", chipFile);
        Assert.Contains("-----BEGIN CERTIFICATE-----", chipPem);
        await partner.ScreenshotAsync("provider-chip-approved");

        await partner.Page.GetByRole(AriaRole.Button, new() { Name = "Deactivate" }).ClickAsync();
        await Expect(partner.Dialog).ToContainTextAsync("cannot be undone");
        await partner.ScreenshotAsync("provider-chip-deactivate-confirm");
        // Cancel leaves it as it was; confirming deactivates it.
        await partner.Dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(partner.Page.Locator(".chip-status")).ToHaveTextAsync("Approved");
        await partner.Page.GetByRole(AriaRole.Button, new() { Name = "Deactivate" }).ClickAsync();
        await partner.Dialog.GetByRole(AriaRole.Button, new() { Name = "Deactivate" }).ClickAsync();
        await Expect(partner.Page.Locator(".chip-status")).ToHaveTextAsync("Deactivated");
        await Expect(partner.Page.GetByRole(AriaRole.Button, new() { Name = "Deactivate" })).ToHaveCountAsync(0);

        // The admin's list follows too, and the dashboard tells the story.
        await Expect(adminRow).ToContainTextAsync("Deactivated");
        await admin.NavigateAsync("Dashboard", "Dashboard");
        await Expect(admin.Page.Locator(".activity-list")).ToContainTextAsync("ftm chip deactivated");
        await admin.ScreenshotAsync("admin-dashboard-activity");

        await admin.AssertHealthyAsync();
        await partner.AssertHealthyAsync();
    }

    private static async Task UploadCaAsync(PortalPage admin, string file, string expectedType)
    {
        await admin.GotoAsync("/trust-store/upload");
        await Expect(admin.Heading).ToHaveTextAsync("Upload CA Certificate");
        await admin.Page.GetByLabel("Partner domain").SelectOptionAsync("Ftm");
        await admin.Page.GetByLabel("CA certificate file").SetInputFilesAsync(file);
        await Expect(admin.Page.Locator(".filedrop-file")).ToContainTextAsync(Path.GetFileName(file));
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Expect(admin.Page.Locator(".upload-result")).ToContainTextAsync($"{expectedType}, FTM");
    }
}
