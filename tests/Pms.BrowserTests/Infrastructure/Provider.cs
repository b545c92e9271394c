namespace Pms.BrowserTests.Infrastructure;

/// <summary>A new FTM chip provider's registration details, unique per test.</summary>
public sealed record Provider(string Username, string Password, string Email, string Organization)
{
    public static Provider New(string label)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        return new Provider($"{label}-{id}", $"Provider-Pass-{id}1", $"{label}-{id}@example.org", $"{Capitalised(label)} Chips {id}");
    }

    private static string Capitalised(string s) => char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>Fills the registration form and registers; the portal then signs the new partner in.</summary>
    public async Task RegisterAsync(PortalPage tab)
    {
        await tab.GotoAsync("/register");
        var page = tab.Page;
        await page.GetByLabel("Partner type").SelectOptionAsync(new SelectOptionValue { Label = "FTM Chip Provider" });
        await page.GetByLabel("First name").FillAsync("Asha");
        await page.GetByLabel("Last name").FillAsync("Rao");
        await page.GetByLabel("Organisation name").FillAsync(Organization);
        await page.GetByLabel("Address").FillAsync("12 Silicon Road, Bengaluru");
        await page.GetByLabel("Phone number").FillAsync("+919876543210");
        await page.GetByLabel("Email").FillAsync(Email);
        await page.GetByLabel("Username").FillAsync(Username);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Confirm password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register", Exact = true }).ClickAsync();
    }
}
