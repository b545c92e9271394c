using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Pms.BrowserTests.Infrastructure;

/// <summary>
/// The portal's texts as its resource files hold them (Pms.Web/Client/Resources/Strings*.resx), so a test asserts what
/// the translation says rather than a copy of it, and can look for English left on a translated screen.
/// </summary>
public sealed partial class PortalTexts
{
    private static readonly Dictionary<string, string> English = Read("Strings.resx");

    private readonly Dictionary<string, string> _texts;
    private readonly List<(string Key, Regex Pattern)> _englishOnly;

    private PortalTexts(string language)
    {
        Language = language;
        _texts = Read($"Strings.{language}.resx");

        // English fragments (the text around placeholders) that would betray an untranslated string. Left out: short
        // ones, and those the translation also uses (codes such as "FTM", words the same in both, e.g. "Organisation").
        var translated = string.Join("\n", _texts.Values);
        _englishOnly = English
            .Where(e => !e.Key.StartsWith("Format_", StringComparison.Ordinal))
            .SelectMany(e => Placeholder().Split(e.Value).Select(fragment => (e.Key, Fragment: fragment.Trim(' ', '.', ',', ':', '(', ')', '?', '…'))))
            .Where(f => f.Fragment.Count(char.IsLetter) >= 4 && !translated.Contains(f.Fragment, StringComparison.Ordinal))
            .Select(f => (f.Key, new Regex($@"(?<!\p{{L}}){Regex.Escape(f.Fragment)}(?!\p{{L}})", RegexOptions.CultureInvariant)))
            .ToList();
    }

    public string Language { get; }

    public static PortalTexts For(string language) => new(language);

    /// <summary>The translation of a key, formatted like the portal formats it.</summary>
    public string this[string key, params object[] arguments] =>
        _texts.TryGetValue(key, out var text)
            ? string.Format(CultureInfo.InvariantCulture, text, arguments)
            : throw new KeyNotFoundException($"{key} is not in Strings.{Language}.resx");

    /// <summary>The English resource texts found in <paramref name="visibleText"/>, each with its key.</summary>
    public IReadOnlyList<string> EnglishIn(string visibleText) =>
        _englishOnly.Where(e => e.Pattern.IsMatch(visibleText)).Select(e => $"{e.Key}: \"{e.Pattern.Match(visibleText).Value}\"").Distinct().ToList();

    private static Dictionary<string, string> Read(string fileName)
    {
        var path = Path.Combine(Repository.Root, "Pms.Web", "Client", "Resources", fileName);
        return XDocument.Load(path).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);
    }

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();
}
