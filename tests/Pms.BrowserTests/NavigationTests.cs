using System.Text.RegularExpressions;
using Pms.BrowserTests.Infrastructure;

namespace Pms.BrowserTests;

[Collection(PortalCollection.Name)]
public sealed class NavigationTests(PortalFixture portal)
{
    [Fact]
    public async Task ADeepLinkLeadsThroughSignInBackToThePage()
    {
        await using var tab = await portal.OpenAsync();
        await tab.GotoAsync("/partners");

        await Expect(tab.Page).ToHaveURLAsync(new Regex("/login\\?returnUrl=%2Fpartners$"));
        await tab.SignInAsync(PortalFixture.AdminUsername, PortalFixture.AdminPassword, expectedHeading: "Partners");
        await Expect(tab.Page).ToHaveURLAsync(new Regex("/partners$"));
        await tab.AssertHealthyAsync();
    }

    [Fact]
    public async Task TheSidePanelShowsTheAdminScreensAndHidesTheProviderOnes()
    {
        await using var tab = await portal.OpenAsync();
        await tab.GotoAsync("/login");
        await tab.SignInAsAdminAsync();

        var nav = tab.Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(nav.GetByRole(AriaRole.Link)).ToHaveTextAsync(["Dashboard", "FTM Chips", "Certificate Trust Store", "Partners"]);

        // A provider's screen, typed in by hand, says so instead of failing call by call.
        await tab.GotoAsync("/partner-certificate");
        await Expect(tab.Heading).ToHaveTextAsync("Not allowed");
        await tab.AssertHealthyAsync();
    }

    [Fact]
    public async Task AtPhoneWidthTheSidePanelOpensBehindTheHamburgerAndClosesAfterNavigating()
    {
        await using var tab = await portal.OpenAsync(width: 390, height: 844);
        await tab.GotoAsync("/login");
        await tab.ScreenshotAsync("phone-login");
        await tab.SignInAsAdminAsync();

        var nav = tab.Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        var menu = tab.Page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        await Expect(nav).ToBeHiddenAsync();
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");

        await menu.ClickAsync();
        await Expect(nav).ToBeVisibleAsync();
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        await tab.ScreenshotAsync("phone-menu-open");

        // Escape closes it; a link closes it too after navigating.
        await nav.GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).FocusAsync();
        await tab.Page.Keyboard.PressAsync("Escape");
        await Expect(nav).ToBeHiddenAsync();

        await tab.NavigateAsync("Certificate Trust Store", "Certificate Trust Store");
        await Expect(nav).ToBeHiddenAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Tab, new() { Name = "Root CA" })).ToBeVisibleAsync();
        await tab.ScreenshotAsync("phone-trust-store");
        await tab.AssertHealthyAsync();
    }
}
