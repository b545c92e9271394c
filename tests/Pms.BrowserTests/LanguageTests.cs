using System.Text.RegularExpressions;
using Pms.BrowserTests.Infrastructure;

namespace Pms.BrowserTests;

/// <summary>The portal in French and Arabic: chosen from the browser's language, switched and remembered, Arabic right to left.</summary>
[Collection(PortalCollection.Name)]
public sealed class LanguageTests(PortalFixture portal)
{
    [Fact]
    public async Task ThePortalFollowsTheBrowsersLanguageAndRemembersTheUsersChoice()
    {
        await using var tab = await portal.OpenAsync(locale: "ar-EG");
        await tab.GotoAsync("/login");

        var html = tab.Page.Locator("html");
        await Expect(html).ToHaveAttributeAsync("lang", "ar");
        await Expect(html).ToHaveAttributeAsync("dir", "rtl");
        await Expect(tab.Page.Locator(".brand-name")).ToHaveTextAsync("نظام إدارة الشركاء");

        // The switcher names each language in itself; the choice starts the portal again in it and is remembered.
        var language = tab.Page.GetByRole(AriaRole.Combobox, new() { Name = "اللغة" });
        await language.SelectOptionAsync("fr");
        await Expect(html).ToHaveAttributeAsync("lang", "fr", new() { Timeout = 90_000 });
        await Expect(html).ToHaveAttributeAsync("dir", "ltr");
        await Expect(tab.Page.Locator(".brand-name")).ToHaveTextAsync("Système de gestion des partenaires", new() { Timeout = 90_000 });

        await tab.Page.ReloadAsync();
        await Expect(tab.Heading).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await Expect(html).ToHaveAttributeAsync("lang", "fr");
        await Expect(tab.Page.GetByRole(AriaRole.Combobox, new() { Name = "Langue" })).ToHaveValueAsync("fr");
        await tab.AssertHealthyAsync();
    }
}
