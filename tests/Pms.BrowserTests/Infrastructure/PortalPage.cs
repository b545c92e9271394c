using System.Text.RegularExpressions;

namespace Pms.BrowserTests.Infrastructure;

/// <summary>One browser tab on the portal, with the steps every test takes (open, sign in, sign out, screenshot)
/// and a record of the page's own failures (uncaught exceptions, Blazor's error bar, CSP violations).</summary>
public sealed class PortalPage : IAsyncDisposable
{
    private readonly PortalFixture _portal;
    private readonly List<string> _errors = [];

    internal PortalPage(PortalFixture portal, IBrowserContext context, IPage page)
    {
        _portal = portal;
        Context = context;
        Page = page;
        page.PageError += (_, error) => _errors.Add(error);
        page.Console += (_, message) =>
        {
            // Blazor reports an unhandled exception in a component as a console error starting so.
            // A script, style or connection the Content-Security-Policy blocked is a failure too: the policy must
            // allow what the portal needs and nothing else.
            if (message.Type == "error" && (message.Text.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase)
                || message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)))
            {
                _errors.Add(message.Text);
            }
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>The page's main heading (every screen has exactly one h1).</summary>
    public ILocator Heading => Page.Locator("main h1");

    /// <summary>Opens a portal path and waits until the WebAssembly app has rendered a screen.</summary>
    public async Task GotoAsync(string path)
    {
        await Page.GotoAsync(path.TrimStart('/'));
        await Expect(Heading).ToBeVisibleAsync(new() { Timeout = 90_000 });
    }

    public async Task SignInAsync(string username, string password, string expectedHeading = "Dashboard")
    {
        if (!Regex.IsMatch(Page.Url, "/login"))
        {
            await GotoAsync("/login");
        }

        await Expect(Heading).ToHaveTextAsync("Sign in");
        await Page.GetByLabel("Username").FillAsync(username);
        await Page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(Heading).ToHaveTextAsync(expectedHeading);
    }

    public Task SignInAsAdminAsync() => SignInAsync(PortalFixture.AdminUsername, PortalFixture.AdminPassword);

    public async Task SignOutAsync()
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(Heading).ToHaveTextAsync("Sign in");
    }

    /// <summary>Follows a link of the side panel (opening it first at phone width).</summary>
    public async Task NavigateAsync(string linkText, string expectedHeading)
    {
        var menu = Page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        if (await menu.IsVisibleAsync())
        {
            await menu.ClickAsync();
        }

        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = linkText, Exact = true }).ClickAsync();
        await Expect(Heading).ToHaveTextAsync(expectedHeading);
    }

    /// <summary>Saves a full-page screenshot to artifacts/screenshots/&lt;name&gt;.png at the repository root, and checks
    /// on the way that nothing on the screen is wider than the window (1280 px desktop, 390 px phone).</summary>
    public async Task ScreenshotAsync(string name)
    {
        // Let transitions and the focus ring settle so the picture shows the resting screen.
        await Page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await Page.WaitForTimeoutAsync(250);
        await Page.ScreenshotAsync(new() { Path = Path.Combine(Repository.ScreenshotDirectory, name + ".png"), FullPage = true });

        var window = Page.ViewportSize!.Width;
        var content = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(content <= window, $"{name}: the page is {content} px wide in a {window} px window");
    }

    /// <summary>Clicks and returns the file the page saved, with its suggested name.</summary>
    public async Task<(string FileName, string Content)> DownloadAsync(ILocator button)
    {
        var download = await Page.RunAndWaitForDownloadAsync(() => button.ClickAsync());
        var path = await download.PathAsync();
        return (download.SuggestedFilename, await File.ReadAllTextAsync(path));
    }

    /// <summary>The table row holding this text.</summary>
    public ILocator Row(string text) => Page.GetByRole(AriaRole.Row).Filter(new() { HasText = text });

    /// <summary>The open dialog.</summary>
    public ILocator Dialog => Page.GetByRole(AriaRole.Dialog);

    /// <summary>Fails the test if the page threw or showed Blazor's error bar.</summary>
    public async Task AssertHealthyAsync()
    {
        Assert.True(_errors.Count == 0, "The page reported errors:\n" + string.Join("\n", _errors));
        await Expect(Page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
