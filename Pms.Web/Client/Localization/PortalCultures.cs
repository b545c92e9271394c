using System.Globalization;

namespace Pms.Web.Client.Localization;

/// <summary>
/// The languages the portal speaks and how one is chosen: the user's remembered choice, else the browser's first
/// language the portal has, else English. A language is added by its resource file (docs/portal.md) and a line here.
/// </summary>
public static class PortalCultures
{
    /// <summary>The <c>localStorage</c> key of the user's choice (read and written by js/portal.js).</summary>
    public const string StorageKey = "pms.culture";

    public static readonly CultureInfo Default = CultureInfo.GetCultureInfo("en");

    /// <summary>The languages offered by the switcher, English (the resources' neutral language, and the server's) first, each named in itself (a reader of Arabic looks for "العربية").</summary>
    public static IReadOnlyList<PortalLanguage> Supported { get; } =
    [
        new("en", "English"),
        new("fr", "Français"),
        new("ar", "العربية"),
    ];

    /// <summary>The stored choice if the portal has it, else the first of the browser's languages it has (by their
    /// language part: <c>fr-CA</c> is French), else English.</summary>
    public static CultureInfo Choose(string? stored, IEnumerable<string?> browserLanguages)
    {
        foreach (var candidate in browserLanguages.Prepend(stored))
        {
            if (Find(candidate) is { } language)
            {
                return CultureInfo.GetCultureInfo(language.Name);
            }
        }

        return Default;
    }

    /// <summary>The supported language a BCP 47 tag asks for, or null.</summary>
    public static PortalLanguage? Find(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return null;
        }

        var primary = tag.Trim().Split('-', '_')[0];
        return Supported.FirstOrDefault(l => string.Equals(l.Name, primary, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The value of <c>&lt;html dir&gt;</c> for a culture.</summary>
    public static string Direction(CultureInfo culture) => culture.TextInfo.IsRightToLeft ? "rtl" : "ltr";

    /// <summary>
    /// The culture dates and numbers are written in: the language's own, but always on the Gregorian calendar (ICU
    /// gives some Arabic locales a Hijri calendar; certificate validity and audit times are Gregorian dates).
    /// </summary>
    public static CultureInfo Formatting(CultureInfo culture)
    {
        if (culture.DateTimeFormat.Calendar is GregorianCalendar
            || culture.OptionalCalendars.OfType<GregorianCalendar>().FirstOrDefault() is not { } gregorianCalendar)
        {
            return culture;
        }

        var gregorian = (CultureInfo)culture.Clone();
        gregorian.DateTimeFormat.Calendar = gregorianCalendar;
        return CultureInfo.ReadOnly(gregorian);
    }
}

/// <summary>One language of the switcher: its culture name and its name in itself.</summary>
public sealed record PortalLanguage(string Name, string NativeName);
