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

    /// <summary>
    /// Issue 14's walk in each language, from the browser's language alone: sign-in (a refused password told by its
    /// reason in that language), the admin's chip list and the approve dialog, then the approval. On each screen the
    /// document says its language and direction, and no English text of the portal's resources is left.
    /// </summary>
    [Theory]
    [InlineData("fr", "fr-FR", "ltr")]
    [InlineData("ar", "ar-EG", "rtl")]
    public async Task TheAdminSignsInAndApprovesAChipInTheBrowsersLanguage(string language, string browserLocale, string direction)
    {
        var texts = PortalTexts.For(language);
        using var certificates = new CertificateFiles($"Lang{language}");
        var arrange = new Arrange(portal);
        await arrange.TrustAsync(certificates);
        var provider = Provider.New($"lingua{language}");
        var token = await arrange.ActiveProviderAsync(provider, certificates);
        var chip = await arrange.ChipAsync(token, provider, certificates, "Kestrel", $"K{language}", uploadCertificate: true);
        var chipName = $"{chip.Make} {chip.Model}";

        await using var tab = await portal.OpenAsync(locale: browserLocale);
        var page = tab.Page;
        await tab.GotoAsync("/login");

        // Sign-in, in the browser's language and direction.
        var html = page.Locator("html");
        await Expect(html).ToHaveAttributeAsync("lang", language);
        await Expect(html).ToHaveAttributeAsync("dir", direction);
        await Expect(tab.Heading).ToHaveTextAsync(texts["Login_Title"]);
        var signIn = page.GetByRole(AriaRole.Button, new() { Name = texts["Login_Title"], Exact = true });
        await signIn.ClickAsync();
        await Expect(page.Locator("#field-username-error")).ToHaveTextAsync(texts["Login_EnterUsername"]);
        await page.GetByLabel(texts["Field_Username"]).FillAsync(PortalFixture.AdminUsername);
        await page.GetByLabel(texts["Field_Password"], new() { Exact = true }).FillAsync("not-the-password-1");
        await signIn.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = texts["Reason_INVALID_CREDENTIALS"] })).ToBeVisibleAsync();
        await AssertNoEnglishAsync(tab, texts, "sign-in with a refused password");
        await tab.ScreenshotAsync($"login-{language}");

        await page.GetByLabel(texts["Field_Password"], new() { Exact = true }).FillAsync(PortalFixture.AdminPassword);
        await signIn.ClickAsync();
        await Expect(tab.Heading).ToHaveTextAsync(texts["Nav_Dashboard"]);
        await Expect(page.Locator(".dash-card").First).Not.ToContainTextAsync(texts["Common_Loading"]);
        await AssertNoEnglishAsync(tab, texts, "dashboard");

        // The chip list, filtered to this test's provider.
        await page.GetByRole(AriaRole.Navigation, new() { Name = texts["Nav_Label"] })
            .GetByRole(AriaRole.Link, new() { Name = texts["Nav_FtmChips"], Exact = true }).ClickAsync();
        await Expect(tab.Heading).ToHaveTextAsync(texts["Nav_FtmChips"]);
        await page.GetByLabel(texts["Common_OrganisationContains"]).FillAsync(provider.Organization);
        await page.GetByRole(AriaRole.Button, new() { Name = texts["Common_Apply"], Exact = true }).ClickAsync();
        var row = tab.Row(chipName);
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync(texts["ChipStatus_PendingApproval"]);
        await Expect(page.GetByText(texts["Pager_Range", 1, 1, 1])).ToBeVisibleAsync();
        await Expect(page.GetByText(texts["Chips_LiveOn"])).ToBeVisibleAsync(new() { Timeout = 60_000 });
        // Dates in the language's words (day, month name, year), not the English ISO form.
        var expires = (await row.Locator("td").Nth(4).InnerTextAsync()).Trim();
        Assert.Matches(@"^\d{1,2} \p{L}+ \d{4}$", expires);
        await AssertNoEnglishAsync(tab, texts, "chip list");
        await tab.ScreenshotAsync($"chips-{language}");

        // The approve dialog.
        await row.GetByRole(AriaRole.Button, new() { Name = texts["ChipActions_ReviewTitle", chipName] }).ClickAsync();
        await Expect(tab.Dialog.GetByRole(AriaRole.Heading)).ToHaveTextAsync(texts["ChipActions_ReviewTitle", chipName]);
        await Expect(tab.Dialog).ToContainTextAsync(texts["ChipActions_ReviewBody"]);
        await tab.Dialog.GetByLabel(texts["ChipActions_Comment"]).FillAsync("OK");
        await AssertNoEnglishAsync(tab, texts, "approve dialog");
        await tab.ScreenshotAsync($"approve-{language}");

        await tab.Dialog.GetByRole(AriaRole.Button, new() { Name = texts["ChipActions_Approve"], Exact = true }).ClickAsync();
        await Expect(tab.Dialog).ToHaveCountAsync(0);
        await Expect(row).ToContainTextAsync(texts["ChipStatus_Approved"]);
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = texts["Chip_NowStatus", chipName, texts["ChipStatus_Approved"]] }).First)
            .ToBeVisibleAsync();
        await AssertNoEnglishAsync(tab, texts, "chip list after the approval");
        await tab.AssertHealthyAsync();
    }

    /// <summary>Fails with the whole visible text when any English text of the portal's resources is on the screen.</summary>
    private static async Task AssertNoEnglishAsync(PortalPage tab, PortalTexts texts, string screen)
    {
        var visible = await tab.Page.Locator("body").InnerTextAsync();
        var english = texts.EnglishIn(visible);
        Assert.True(english.Count == 0,
            $"English left on the {screen} in '{texts.Language}':\n  {string.Join("\n  ", english)}\nThe screen's text:\n{visible}");
    }
}
