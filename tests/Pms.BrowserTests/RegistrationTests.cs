using System.Text.RegularExpressions;
using Pms.BrowserTests.Infrastructure;

namespace Pms.BrowserTests;

[Collection(PortalCollection.Name)]
public sealed class RegistrationTests(PortalFixture portal)
{
    [Fact]
    public async Task RegisterShowsTheServersFieldErrorsBesideTheFields()
    {
        await using var tab = await portal.OpenAsync();
        await tab.GotoAsync("/login");
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "Register" }).ClickAsync();
        await Expect(tab.Heading).ToHaveTextAsync("Register as a partner");

        var page = tab.Page;
        await page.GetByLabel("First name").FillAsync("Asha");
        await page.GetByLabel("Phone number").FillAsync("98765");
        await page.GetByLabel("Email").FillAsync("not-an-email");
        await page.GetByLabel("Username").FillAsync("a b");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("short");
        await page.GetByLabel("Confirm password").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register", Exact = true }).ClickAsync();

        // Each violation of the server's BadRequest sits beside its own field, and marks it invalid.
        await Expect(page.Locator("#field-phone_number-error")).ToContainTextAsync("7 to 16 digits");
        await Expect(page.Locator("#field-email-error")).ToContainTextAsync("email address");
        await Expect(page.Locator("#field-username-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#field-password-error")).ToContainTextAsync("at least 8");
        await Expect(page.Locator("#field-last_name-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#field-organization_name-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#field-first_name-error")).ToHaveCountAsync(0);
        await Expect(page.GetByLabel("Email")).ToHaveAttributeAsync("aria-invalid", "true");
        await tab.ScreenshotAsync("register-field-errors");

        // Typing again and sending fixes them one by one; a taken username is named beside the username.
        var provider = Provider.New("dup");
        await provider.RegisterAsync(tab);
        await Expect(tab.Heading).ToHaveTextAsync("Terms and conditions");
        await tab.SignOutAsync();

        var second = provider with { Email = "other-" + provider.Email };
        await second.RegisterAsync(tab);
        await Expect(page.Locator("#field-username-error")).ToBeVisibleAsync();
        await Expect(tab.Heading).ToHaveTextAsync("Register as a partner");
        await tab.AssertHealthyAsync();
    }

    [Fact]
    public async Task AForgottenPasswordIsResetThroughTheMailedLink()
    {
        var provider = Provider.New("reset");
        await using var tab = await portal.OpenAsync();
        await provider.RegisterAsync(tab);
        await Expect(tab.Heading).ToHaveTextAsync("Terms and conditions");
        await tab.SignOutAsync();

        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "Forgot password?" }).ClickAsync();
        await Expect(tab.Heading).ToHaveTextAsync("Forgot password");
        await tab.Page.GetByLabel("Email").FillAsync(provider.Email);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Send reset link" }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "link to set a new password" })).ToBeVisibleAsync();
        await tab.ScreenshotAsync("forgot-password-sent");

        var mail = await portal.Mailbox.WaitForTextAsync(provider.Email, "Reset your PMS password", TimeSpan.FromSeconds(60));
        var link = Mailbox.FirstLink(mail);
        Assert.StartsWith(portal.PortalUrl.ToString() + "reset-password?token=", link.ToString());

        await tab.GotoAsync(link.ToString());
        await Expect(tab.Heading).ToHaveTextAsync("Set a new password");
        var newPassword = "Renewed-Pass-42";
        await tab.Page.GetByLabel("New password", new() { Exact = true }).FillAsync(newPassword);
        await tab.Page.GetByLabel("Confirm new password").FillAsync(newPassword);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Your password has been changed" })).ToBeVisibleAsync();

        // The link works once.
        await tab.GotoAsync(link.ToString());
        await tab.Page.GetByLabel("New password", new() { Exact = true }).FillAsync("Another-Pass-43");
        await tab.Page.GetByLabel("Confirm new password").FillAsync("Another-Pass-43");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "INVALID_RESET_TOKEN" })).ToBeVisibleAsync();

        await tab.GotoAsync("/login");
        await tab.SignInAsync(provider.Username, newPassword, expectedHeading: "Terms and conditions");
        await Expect(tab.Page).ToHaveURLAsync(new Regex("/terms$"));
        await tab.AssertHealthyAsync();
    }
}
