using System.Globalization;
using Microsoft.JSInterop;

namespace Pms.Web.Client.Localization;

/// <summary>Chooses the portal's language before the first render and tells the document (<c>lang</c>, <c>dir</c>).</summary>
public static class CultureStartup
{
    public static async Task<CultureInfo> ApplyAsync(IJSRuntime js)
    {
        var stored = await js.InvokeAsync<string?>("pmsPortal.culture.stored");
        var browser = await js.InvokeAsync<string[]?>("pmsPortal.culture.browser");
        var culture = PortalCultures.Choose(stored, browser ?? []);

        // Set before the host runs: Blazor then loads this culture's satellite assembly (the translations) and every
        // component renders in it from the first frame.
        var formatting = PortalCultures.Formatting(culture);
        CultureInfo.DefaultThreadCurrentCulture = formatting;
        CultureInfo.DefaultThreadCurrentUICulture = culture;
        CultureInfo.CurrentCulture = formatting;
        CultureInfo.CurrentUICulture = culture;

        await js.InvokeVoidAsync("pmsPortal.culture.apply", culture.Name, PortalCultures.Direction(culture));
        return culture;
    }
}
