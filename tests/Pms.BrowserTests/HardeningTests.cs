using System.Text.RegularExpressions;
using Pms.BrowserTests.Infrastructure;

namespace Pms.BrowserTests;

/// <summary>What the portal tells the browser to refuse, and where the session's refresh token lives.</summary>
[Collection(PortalCollection.Name)]
public sealed class HardeningTests(PortalFixture portal)
{
    private const string RefreshCookie = "__Host-pms-refresh";

    [Fact]
    public async Task EveryResponseCarriesTheSecurityHeadersAndThePageRunsUnderItsPolicy()
    {
        await using var tab = await portal.OpenAsync();
        var page = await tab.Page.GotoAsync("/login");
        Assert.NotNull(page);
        var headers = await page.AllHeadersAsync();

        var policy = headers["content-security-policy"];
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Contains("object-src 'none'", policy);
        var scriptSources = Regex.Match(policy, "script-src ([^;]*)").Groups[1].Value;
        // Blazor WebAssembly needs to compile WebAssembly, nothing more; the import map is allowed by its hash.
        Assert.Contains("'wasm-unsafe-eval'", scriptSources);
        Assert.Matches("'sha256-[A-Za-z0-9+/=]+'", scriptSources);
        Assert.DoesNotContain("'unsafe-inline'", scriptSources);
        Assert.DoesNotContain("'unsafe-eval'", scriptSources);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("DENY", headers["x-frame-options"]);
        Assert.Equal("no-referrer", headers["referrer-policy"]);
        Assert.Contains("camera=()", headers["permissions-policy"]);

        // Assets and gRPC-Web answers carry them too.
        var asset = await tab.Page.APIRequest.GetAsync("favicon.svg");
        Assert.Equal("nosniff", asset.Headers["x-content-type-options"]);
        Assert.Contains("frame-ancestors 'none'", asset.Headers["content-security-policy"]);

        // The app boots, signs in and works with the policy in force (a blocked script fails AssertHealthyAsync).
        await Expect(tab.Heading).ToHaveTextAsync("Sign in");
        await tab.SignInAsAdminAsync();
        await tab.AssertHealthyAsync();
    }

    [Fact]
    public async Task TheRefreshTokenIsInAnHttpOnlyStrictCookieAndNowhereScriptCanRead()
    {
        await using var tab = await portal.OpenAsync();
        await tab.GotoAsync("/login");
        await tab.SignInAsAdminAsync();

        var cookie = Assert.Single(await tab.Context.CookiesAsync(), c => c.Name == RefreshCookie);
        Assert.True(cookie.HttpOnly);
        Assert.True(cookie.Secure);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/", cookie.Path);
        Assert.True(cookie.Value.Length >= 32);

        var visibleToScript = await tab.Page.EvaluateAsync<string>(
            "() => [document.cookie, JSON.stringify(Object.entries(sessionStorage)), JSON.stringify(Object.entries(localStorage))].join('\\n')");
        Assert.DoesNotContain(cookie.Value, visibleToScript);
        Assert.DoesNotContain(RefreshCookie, visibleToScript);
        Assert.DoesNotContain("RefreshToken\"", visibleToScript);

        // A reload renews nothing it should not, and sign-out clears the cookie.
        await tab.Page.ReloadAsync();
        await Expect(tab.Heading).ToHaveTextAsync("Dashboard");
        // The tab forgets the session at once and shows the sign-in page; the cookie goes with the server's answer to
        // SignOut, which may come later on a loaded machine: wait for that answer, not for the page.
        await tab.Page.RunAndWaitForRequestFinishedAsync(tab.SignOutAsync,
            new() { Predicate = r => r.Url.EndsWith("/mosip.pms.portal.v1.PortalSessionService/SignOut", StringComparison.Ordinal) });
        await Expect(tab.Page).ToHaveURLAsync(new Regex("/login$"));
        Assert.DoesNotContain(await tab.Context.CookiesAsync(), c => c.Name == RefreshCookie);
        await tab.AssertHealthyAsync();
    }
}
