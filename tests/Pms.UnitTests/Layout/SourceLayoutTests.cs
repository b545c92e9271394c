using System.Reflection;
using System.Text.RegularExpressions;
using Pms.Testing;

namespace Pms.UnitTests.Layout;

/// <summary>
/// Names that say where you are (docs/architecture.md, "Code layout"): one type per file, named after it, and no
/// namespace that collides with a type or with <c>Grpc.Core</c>.
/// </summary>
public sealed partial class SourceLayoutTests
{
    /// <summary>A record this short may stay beside the type it serves (a query, a page, a view).</summary>
    private const int TinyRecordLines = 12;

    private static readonly string ServerRoot = Path.Combine(RepositoryPaths.Root, "Pms.Grpc");

    // Certificates/ belongs to the certificate-engine work (issue 13 leaves it alone); migrations are generated.
    private static readonly string[] LeftOut = ["Certificates", Path.Combine("Data", "Migrations"), "obj", "bin"];

    [Fact]
    public void EachServerFileHoldsOneTypeNamedAfterIt()
    {
        var offenders = new List<string>();
        foreach (var file in ServerSourceFiles())
        {
            var types = TopLevelTypes(File.ReadAllLines(file));
            var fileName = Path.GetFileNameWithoutExtension(file);
            var named = types.Any(t => t.Name == fileName);
            var strays = types.Where(t => t.Name != fileName && !(named && t.IsRecord && t.Lines <= TinyRecordLines)).ToList();
            if (strays.Count > 0 || (types.Count > 0 && !named))
            {
                offenders.Add($"{Path.GetRelativePath(RepositoryPaths.Root, file)}: " +
                    string.Join(", ", types.Select(t => $"{t.Name} ({(t.IsRecord ? "record, " : "")}{t.Lines} lines)")));
            }
        }
        Assert.True(offenders.Count == 0,
            "Each file holds one type named after the file; only records of at most " + TinyRecordLines +
            " lines may stay beside it. Move these into their own files (git mv keeps history):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void NoServerNamespaceCollidesWithATypeOrWithGrpcCore()
    {
        var assembly = typeof(Pms.Grpc.Services.FtmChipGrpcService).Assembly;
        var types = assembly.GetTypes().Where(t => t.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is null).ToList();
        var typeNames = types.Select(t => t.Name.Split('`')[0]).ToHashSet(StringComparer.Ordinal);
        var namespaces = types.Select(t => t.Namespace).OfType<string>()
            .Where(n => n.StartsWith("Pms.Grpc.", StringComparison.Ordinal)).Distinct().Order().ToList();
        var offenders = new List<string>();
        foreach (var ns in namespaces)
        {
            var segments = ns.Split('.');
            // Below Pms.Grpc, a segment named Grpc hides the Grpc.Core namespace and forces global::Grpc.Core.
            foreach (var segment in segments.Skip(2))
            {
                if (typeNames.Contains(segment))
                {
                    offenders.Add($"{ns}: '{segment}' is also a type name ({segment}.{segment}.X to reach it)");
                }
                if (segments.Take(Array.IndexOf(segments, segment, 2)).Contains(segment))
                {
                    offenders.Add($"{ns}: '{segment}' repeats a parent namespace");
                }
            }
        }
        Assert.True(offenders.Count == 0, "Namespaces that collide:\n" + string.Join("\n", offenders) +
            "\nAll server namespaces: " + string.Join(", ", namespaces));
    }

    private static IEnumerable<string> ServerSourceFiles() =>
        Directory.EnumerateFiles(ServerRoot, "*.cs", SearchOption.AllDirectories)
            .Where(f => !LeftOut.Any(l => Path.GetRelativePath(ServerRoot, f).StartsWith(l + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            .Where(f => Path.GetFileName(f) != "Program.cs")
            .Order(StringComparer.Ordinal);

    private sealed record TopLevelType(string Name, bool IsRecord, int Lines);

    /// <summary>
    /// Files use file-scoped namespaces (.editorconfig enforces it), so a top-level type starts at column 0; it runs
    /// until the doc comment or attributes of the next one.
    /// </summary>
    private static List<TopLevelType> TopLevelTypes(string[] lines)
    {
        var starts = new List<(int Start, Match Match)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var match = Declaration().Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }
            var start = i;
            while (start > 0 && (lines[start - 1].StartsWith("///", StringComparison.Ordinal) || lines[start - 1].StartsWith('[')))
            {
                start--;
            }
            starts.Add((start, match));
        }
        var types = new List<TopLevelType>();
        for (var k = 0; k < starts.Count; k++)
        {
            var end = k + 1 < starts.Count ? starts[k + 1].Start : lines.Length;
            while (end > starts[k].Start && string.IsNullOrWhiteSpace(lines[end - 1]))
            {
                end--;
            }
            var match = starts[k].Match;
            types.Add(new TopLevelType(match.Groups["name"].Value, match.Groups["kind"].Value == "record", end - starts[k].Start));
        }
        return types;
    }

    [GeneratedRegex(@"^(?:public |internal |file )?(?:(?:static|sealed|abstract|partial|readonly|ref) )*(?<kind>class|record|struct|interface|enum) (?:(?:class|struct) )?(?<name>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Declaration();
}
