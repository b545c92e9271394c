using Pms.BrowserTests.Infrastructure;

namespace Pms.BrowserTests;

[Collection(PortalCollection.Name)]
public sealed class PartnerAdministrationTests(PortalFixture portal)
{
    [Fact]
    public async Task TheAdminDeactivatesAPartnerWhoThenCannotSignIn()
    {
        var provider = Provider.New("lapsed");
        await using var partner = await portal.OpenAsync();
        await provider.RegisterAsync(partner);
        await Expect(partner.Heading).ToHaveTextAsync("Terms and conditions");
        await partner.SignOutAsync();

        await using var admin = await portal.OpenAsync();
        await admin.GotoAsync("/login");
        await admin.SignInAsAdminAsync();
        await admin.NavigateAsync("Partners", "Partners");
        await admin.Page.GetByLabel("Organisation contains").FillAsync(provider.Organization);
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        var row = admin.Row(provider.Organization);
        await Expect(row).ToContainTextAsync("In progress");
        await Expect(row).ToContainTextAsync("FTM Chip Provider");
        await Expect(row).ToContainTextAsync(provider.Email);

        await row.GetByRole(AriaRole.Button, new() { Name = "Deactivate" }).ClickAsync();
        await Expect(admin.Dialog).ToContainTextAsync($"Deactivate {provider.Organization}?");
        await admin.Dialog.GetByLabel("Comment").FillAsync("Contract ended.");
        await admin.Dialog.GetByRole(AriaRole.Button, new() { Name = "Deactivate" }).ClickAsync();
        await Expect(admin.Dialog).ToBeHiddenAsync();
        await Expect(row).ToContainTextAsync("Deactivated");
        await Expect(admin.Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "is now deactivated" })).ToBeVisibleAsync();
        await admin.ScreenshotAsync("admin-partners");

        // The partner's right password now meets the server's reason.
        await partner.Page.GetByLabel("Username").FillAsync(provider.Username);
        await partner.Page.GetByLabel("Password", new() { Exact = true }).FillAsync(provider.Password);
        await partner.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(partner.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("PARTNER_DEACTIVATED");
        await Expect(partner.Heading).ToHaveTextAsync("Sign in");

        // Activating needs an accepted partner certificate: the dialog keeps the refusal until the admin cancels.
        await row.GetByRole(AriaRole.Button, new() { Name = "Activate" }).ClickAsync();
        await admin.Dialog.GetByRole(AriaRole.Button, new() { Name = "Activate" }).ClickAsync();
        await Expect(admin.Dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("PARTNER_CERTIFICATE_REQUIRED");
        await admin.Page.Keyboard.PressAsync("Escape");
        await Expect(admin.Dialog).ToBeHiddenAsync();
        await Expect(row).ToContainTextAsync("Deactivated");

        await admin.AssertHealthyAsync();
        await partner.AssertHealthyAsync();
    }
}
