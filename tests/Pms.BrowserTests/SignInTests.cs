using System.Text.RegularExpressions;
using Pms.BrowserTests.Infrastructure;

namespace Pms.BrowserTests;

[Collection(PortalCollection.Name)]
public sealed class SignInTests(PortalFixture portal)
{
    [Fact]
    public async Task AdminIsRefusedWithAWrongPasswordThenSignsInAndOut()
    {
        await using var tab = await portal.OpenAsync();

        // Nobody is signed in: the start page sends the user to sign in.
        await tab.GotoAsync("/");
        await Expect(tab.Page).ToHaveURLAsync(new Regex("/login$"));
        await Expect(tab.Heading).ToHaveTextAsync("Sign in");
        await tab.ScreenshotAsync("login");

        // Empty fields are named beside the fields, without a call.
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(tab.Page.Locator("#field-username-error")).ToHaveTextAsync("Enter your username.");
        await Expect(tab.Page.Locator("#field-password-error")).ToHaveTextAsync("Enter your password.");

        await tab.Page.GetByLabel("Username").FillAsync(PortalFixture.AdminUsername);
        await tab.Page.GetByLabel("Password", new() { Exact = true }).FillAsync("not-the-password-1");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The username or password is incorrect");
        await Expect(tab.Heading).ToHaveTextAsync("Sign in");

        await tab.SignInAsAdminAsync();
        await Expect(tab.Page.Locator(".account-name")).ToContainTextAsync(PortalFixture.AdminUsername);
        await tab.ScreenshotAsync("admin-dashboard");

        // A reload keeps the tab's session.
        await tab.Page.ReloadAsync();
        await Expect(tab.Heading).ToHaveTextAsync("Dashboard");

        await tab.SignOutAsync();
        await Expect(tab.Page).ToHaveURLAsync(new Regex("/login$"));
        await tab.GotoAsync("/");
        await Expect(tab.Heading).ToHaveTextAsync("Sign in");
        await tab.AssertHealthyAsync();
    }

    [Fact]
    public async Task ThePortalRenewsTheSessionBeforeTheAccessTokenExpires()
    {
        await using var tab = await portal.OpenAsync();
        await tab.GotoAsync("/login");
        await tab.SignInAsAdminAsync();
        var first = await StoredAccessTokenAsync(tab);

        // The renewer runs 60 s before expiry; wait past that point, and no longer than the token itself lives.
        var renewedBy = DateTime.UtcNow + PortalFixture.AccessTokenLifetime;
        string? current = first;
        while (current == first && DateTime.UtcNow < renewedBy)
        {
            await tab.Page.WaitForTimeoutAsync(2_000);
            current = await StoredAccessTokenAsync(tab);
        }

        Assert.NotNull(current);
        Assert.NotEqual(first, current);

        // Still signed in, and calls made with the renewed token are answered.
        await tab.Page.ReloadAsync();
        await Expect(tab.Heading).ToHaveTextAsync("Dashboard");
        await tab.AssertHealthyAsync();
    }

    [Fact]
    public async Task SignOutForgetsTheSessionBeforeTheServerAnswers()
    {
        await using var tab = await portal.OpenAsync();
        await tab.GotoAsync("/login");
        await tab.SignInAsAdminAsync();
        Assert.NotNull(await StoredAccessTokenAsync(tab));

        // Hold the sign-out (Pms.Web revokes the refresh cookie's session) on its way to the server, as a slow network would, and leave while it is in flight.
        var logout = new TaskCompletionSource<IRoute>(TaskCreationOptions.RunContinuationsAsynchronously);
        await tab.Page.RouteAsync("**/mosip.pms.portal.v1.PortalSessionService/SignOut", route =>
        {
            logout.TrySetResult(route);
            return Task.CompletedTask;
        });
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        var held = await logout.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The tab has already forgotten the session: nothing in sessionStorage, a protected page asks to sign in.
        Assert.Null(await tab.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('pms.session')"));
        await tab.GotoAsync("/partners");
        await Expect(tab.Page).ToHaveURLAsync(new Regex("/login"));
        await Expect(tab.Heading).ToHaveTextAsync("Sign in");
        Assert.Null(await StoredAccessTokenAsync(tab));

        await tab.Page.UnrouteAllAsync(new() { Behavior = UnrouteBehavior.IgnoreErrors });
        try
        {
            await held.AbortAsync();
        }
        catch (PlaywrightException)
        {
            // The page that sent it is gone, and the request with it.
        }
    }

    private static Task<string?> StoredAccessTokenAsync(PortalPage tab) =>
        tab.Page.EvaluateAsync<string?>("() => { const s = sessionStorage.getItem('pms.session'); return s ? JSON.parse(s).AccessToken : null; }");
}
