using System.Text.RegularExpressions;
using System.Xml.Linq;
using Pms.Testing;

namespace Pms.UnitTests.Portal;

/// <summary>
/// The portal's texts (Pms.Web/Client/Resources/Strings*.resx): every English text has a translation in every language
/// with the same placeholders, no translation is left over, every key the portal asks for exists, and no English is
/// written straight into a page's markup.
/// </summary>
public sealed partial class PortalResourcesTests
{
    private static readonly string ClientDirectory = Path.Combine(RepositoryPaths.Root, "Pms.Web", "Client");
    private static readonly string ResourcesDirectory = Path.Combine(ClientDirectory, "Resources");

    public static TheoryData<string> Translations()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(ResourcesDirectory, "Strings.*.resx").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void ThePortalHasFrenchAndArabic()
    {
        var languages = Directory.GetFiles(ResourcesDirectory, "Strings.*.resx").Select(Path.GetFileName).ToList();
        Assert.Contains("Strings.fr.resx", languages);
        Assert.Contains("Strings.ar.resx", languages);
    }

    [Theory]
    [MemberData(nameof(Translations))]
    public void EveryEnglishTextIsTranslatedWithTheSamePlaceholders(string translationFile)
    {
        var english = Read("Strings.resx");
        var translated = Read(translationFile);

        var problems = new List<string>();
        foreach (var (key, englishText) in english)
        {
            if (!translated.TryGetValue(key, out var text))
            {
                problems.Add($"{key}: missing (English: \"{englishText}\")");
            }
            else if (string.IsNullOrWhiteSpace(text))
            {
                problems.Add($"{key}: empty");
            }
            else if (!Placeholders(englishText).SequenceEqual(Placeholders(text)))
            {
                problems.Add($"{key}: placeholders [{string.Join(" ", Placeholders(englishText))}] in English but [{string.Join(" ", Placeholders(text))}] in \"{text}\"");
            }
        }

        problems.AddRange(translated.Keys.Except(english.Keys).Select(key => $"{key}: not in Strings.resx (a leftover, or a typo)"));
        Assert.True(problems.Count == 0, $"{translationFile} ({problems.Count} problems):\n" + string.Join("\n", problems));
    }

    [Fact]
    public void NoEnglishTextIsEmpty()
    {
        var empty = Read("Strings.resx").Where(e => string.IsNullOrWhiteSpace(e.Value)).Select(e => e.Key).ToList();
        Assert.True(empty.Count == 0, "Empty in Strings.resx: " + string.Join(", ", empty));
    }

    /// <summary>A key that is not in Strings.resx shows as the key itself: every key literal in the client must exist.</summary>
    [Fact]
    public void EveryKeyThePortalUsesExists()
    {
        var english = Read("Strings.resx");
        var missing = new List<string>();
        foreach (var file in ClientSources())
        {
            var source = File.ReadAllText(file);
            foreach (Match match in KeyLiteral().Matches(source))
            {
                var key = match.Groups["key"].Value;
                if (!english.ContainsKey(key))
                {
                    missing.Add($"{Relative(file)}: \"{key}\"");
                }
            }
        }

        Assert.True(missing.Count == 0, "Keys used but not in Strings.resx:\n" + string.Join("\n", missing.Distinct()));
        Assert.True(english.Count > 0);
    }

    /// <summary>RpcProblem keeps the English of its own texts (its Message, for logs and tests): it must say what
    /// Strings.resx says.</summary>
    [Fact]
    public void ThePortalsOwnEnglishTextsInCodeMatchTheResources()
    {
        var english = Read("Strings.resx");
        var source = File.ReadAllText(Path.Combine(ClientDirectory, "Rpc", "RpcProblem.cs"));
        var texts = PortalTextLiteral().Matches(source).Select(m => (Key: m.Groups["key"].Value, Text: m.Groups["text"].Value)).ToList();

        Assert.True(texts.Count >= 10, $"Found only {texts.Count} PortalText literals in RpcProblem.cs");
        var differing = texts.Where(t => !english.TryGetValue(t.Key, out var value) || value != t.Text)
            .Select(t => $"{t.Key}: code \"{t.Text}\", Strings.resx \"{english.GetValueOrDefault(t.Key)}\"").ToList();
        Assert.True(differing.Count == 0, string.Join("\n", differing));
    }

    /// <summary>
    /// Best effort: the markup of every page, component and layout, less its code, expressions and comments, holds no
    /// words, and no user-facing attribute is given a literal text. Words there would show in English whatever the
    /// language.
    /// </summary>
    [Fact]
    public void NoPageWritesEnglishIntoItsMarkup()
    {
        var found = Directory.GetFiles(ClientDirectory, "*.razor", SearchOption.AllDirectories).Where(IsSource)
            .SelectMany(file => LiteralTexts(File.ReadAllText(file)).Select(text => $"{Relative(file)}: {text}"))
            .ToList();

        Assert.True(found.Count == 0, "Literal text in markup (use L[\"Key\"] and add the key to Strings*.resx):\n" + string.Join("\n", found));
    }

    /// <summary>The scan above can fail: it finds words between tags and in user-facing attributes, not in code.</summary>
    [Fact]
    public void TheMarkupScanFindsLiteralTextButNotCode()
    {
        const string razor = """
            @page "/x"
            @inject Thing T
            <h1>@L["X_Title"]</h1>
            @if (_items.Count > 0 && Session.Current?.Roles.Any(r => r.Length > 2) == true)
            {
                var first = _items[0];
                <p class="muted">@L["X_Body", first.Name, (_a ?? []).Select(L.Role)]</p>
            }
            else if (_x is { Reason: "NOT_FOUND" })
            {
                <p>Nothing here yet.</p>
            }
            <button aria-label="Close the dialog" @onclick="() => Close(1 > 0)">@L["Common_Close"]</button>
            @code {
                private string Text => "Not markup";
            }
            """;

        Assert.Equal(["text \"Nothing here yet.\"", "aria-label=\"Close the dialog\""], LiteralTexts(razor));
    }

    private static List<string> LiteralTexts(string razor)
    {
        var found = new List<string>();
        var markup = Markup(razor);
        // Razor's C# first (its expressions may hold '>' and '<'), then what is left between tags.
        var text = CodeLine().Replace(RazorExpression().Replace(markup, " "), " ");
        foreach (Match between in TextBetweenTags().Matches(text))
        {
            var words = between.Groups["text"].Value;
            if (Word().IsMatch(words))
            {
                found.Add($"text \"{words.Trim()}\"");
            }
        }

        found.AddRange(TextAttribute().Matches(markup).Select(m => m.Value));
        return found;
    }

    private static Dictionary<string, string> Read(string fileName)
    {
        var document = XDocument.Load(Path.Combine(ResourcesDirectory, fileName));
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var data in document.Root!.Elements("data"))
        {
            var key = (string)data.Attribute("name")!;
            Assert.False(entries.ContainsKey(key), $"{fileName}: {key} twice");
            entries[key] = (string?)data.Element("value") ?? "";
        }

        return entries;
    }

    private static List<string> Placeholders(string text) =>
        Placeholder().Matches(text).Select(m => m.Groups["index"].Value).Order(StringComparer.Ordinal).ToList();

    private static IEnumerable<string> ClientSources() =>
        Directory.GetFiles(ClientDirectory, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal)) && IsSource(f));

    private static bool IsSource(string path)
    {
        var relative = Path.GetRelativePath(ClientDirectory, path).Replace('\\', '/');
        return !relative.StartsWith("bin/", StringComparison.Ordinal) && !relative.StartsWith("obj/", StringComparison.Ordinal);
    }

    private static string Relative(string path) => Path.GetRelativePath(RepositoryPaths.Root, path);

    /// <summary>The markup of a .razor file: without comments, directives and the @code block.</summary>
    private static string Markup(string razor)
    {
        var withoutComments = RazorComment().Replace(razor, " ");
        var code = withoutComments.IndexOf("@code", StringComparison.Ordinal);
        var markup = code >= 0 ? withoutComments[..code] : withoutComments;
        return Directive().Replace(markup, " ");
    }

    [GeneratedRegex(@"\{(?<index>\d+)(?:[,:][^}]*)?\}")]
    private static partial Regex Placeholder();

    /// <summary>A key literal: <c>L["Area_Meaning"</c>, or a key handed on as a string ("Nav_Dashboard").</summary>
    [GeneratedRegex(@"""(?<key>[A-Z][A-Za-z0-9]*_[A-Za-z0-9_]*[a-z][A-Za-z0-9_]*)""")]
    private static partial Regex KeyLiteral();

    [GeneratedRegex(@"new(?:\s+PortalText)?\(\s*""(?<key>Problem_\w+)"",\s*""(?<text>[^""]*)""")]
    private static partial Regex PortalTextLiteral();

    [GeneratedRegex(@"@\*.*?\*@", RegexOptions.Singleline)]
    private static partial Regex RazorComment();

    [GeneratedRegex(@"^\s*@(page|using|inject|inherits|implements|attribute|layout|typeparam|rendermode|namespace)\b.*$", RegexOptions.Multiline)]
    private static partial Regex Directive();

    [GeneratedRegex(@">(?<text>[^<>]+)<")]
    private static partial Regex TextBetweenTags();

    /// <summary>Razor expressions and control flow: @L["..."], @(…), @x.y(…), @if (…), @foreach (…), @{ … }, and the
    /// if (…) of an else if. Parentheses and brackets nest (balancing groups).</summary>
    [GeneratedRegex(@"(@|\bif\s*(?=\())(\((?>[^()]+|\((?<p>)|\)(?<-p>))*(?(p)(?!))\)|\{[^{}]*\}|[A-Za-z_][\w.?!]*(\s*(\[(?>[^\[\]]+|\[(?<b>)|\](?<-b>))*(?(b)(?!))\]|\((?>[^()]+|\((?<q>)|\)(?<-q>))*(?(q)(?!))\)))*)?")]
    private static partial Regex RazorExpression();

    /// <summary>What is left of Razor's C# between tags: braces, else, case labels, statements ending in a semicolon.</summary>
    [GeneratedRegex(@"[{}]|\belse\b|\bcase\b[^:]*:|\bdefault:|\bbreak;|[^\n;<>]*;|&[a-z]+;|&#\d+;")]
    private static partial Regex CodeLine();

    [GeneratedRegex(@"\p{L}{2,}")]
    private static partial Regex Word();

    /// <summary>User-facing attributes and component parameters given a literal text (not an @ expression).</summary>
    [GeneratedRegex(@"\b(aria-label|title|placeholder|alt|Label|Title|Text|Message|LoadingText|ErrorTitle|PagerLabel|ConfirmLabel|CommentLabel|AlternativeLabel)=""(?!@)[^""]*\p{L}{2,}[^""]*""")]
    private static partial Regex TextAttribute();
}
