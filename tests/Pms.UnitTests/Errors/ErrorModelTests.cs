using System.Reflection;
using System.Text.RegularExpressions;
using Pms.Grpc.Errors;
using Pms.Testing;

namespace Pms.UnitTests.Errors;

/// <summary>
/// One error model (docs/adr/0006-errors.md): refusals are built only by the helpers in Pms.Grpc/Errors/ and thrown
/// where they are built, <c>throw PmsErrors.NotFound(...)</c>.
/// </summary>
public sealed class ErrorModelTests
{
    private static readonly string ServerRoot = Path.Combine(RepositoryPaths.Root, "Pms.Grpc");

    [Fact]
    public void OnlyTheErrorsFolderConstructsAPmsException()
    {
        var offenders = ServerLines()
            .Where(l => !l.File.StartsWith("Errors" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Where(l => Regex.IsMatch(l.Text, @"new\s+PmsException\b|PmsException\s+\w+\s*=\s*new\s*\("))
            .Select(l => l.ToString()).ToList();
        Assert.True(offenders.Count == 0,
            "Build refusals through a PmsErrors helper (throw PmsErrors.NotFound(...)), not new PmsException:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void EveryBuiltRefusalIsThrownOrPassedOn()
    {
        // A helper returns the exception; called as a bare statement it would build it and carry on as if allowed.
        var builders = typeof(PmsErrors).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(m => m.ReturnType == typeof(PmsException) && !m.IsSpecialName)
            .Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(nameof(PmsErrors.NotFound), builders);
        var call = new Regex(@"^\s*(?:[A-Z]\w*\.)?(?<name>\w+)\(");
        var offenders = new List<string>();
        string previous = "";
        foreach (var line in ServerLines())
        {
            // A statement starts after a line that ends one (or opens or closes a block), not inside an expression.
            var startsStatement = previous.Length == 0 || previous[^1] is ';' or '{' or '}';
            if (startsStatement && call.Match(line.Text) is { Success: true } match && builders.Contains(match.Groups["name"].Value))
            {
                offenders.Add(line.ToString());
            }
            var trimmed = line.Text.Trim();
            if (trimmed.Length > 0 && !trimmed.StartsWith("//", StringComparison.Ordinal))
            {
                previous = trimmed;
            }
        }
        Assert.True(offenders.Count == 0,
            "These lines build a refusal and drop it; write 'throw' before the helper:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void ThereIsOneExceptionTypeForRefusals()
    {
        var exceptions = typeof(PmsErrors).Assembly.GetTypes()
            .Where(t => typeof(Exception).IsAssignableFrom(t) && t.Namespace?.StartsWith("Pms.Grpc", StringComparison.Ordinal) == true)
            .Select(t => t.FullName!).Order().ToList();
        // AtRestDecryptionException and PrivateKeyProtectionException are server faults (a stored value or key that cannot
        // be decrypted), never the client's refusal.
        Assert.Equal(["Pms.Grpc.AtRest.AtRestDecryptionException", "Pms.Grpc.Certificates.PrivateKeyProtectionException", "Pms.Grpc.Errors.PmsException"],
            exceptions);
    }

    private sealed record SourceLine(string File, int Number, string Text)
    {
        public override string ToString() => $"Pms.Grpc/{File.Replace('\\', '/')}:{Number}: {Text.Trim()}";
    }

    private static IEnumerable<SourceLine> ServerLines() =>
        Directory.EnumerateFiles(ServerRoot, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(ServerRoot, f))
            .Where(f => !f.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && !f.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .SelectMany(f => File.ReadLines(Path.Combine(ServerRoot, f)).Select((text, i) => new SourceLine(f, i + 1, text)));
}
