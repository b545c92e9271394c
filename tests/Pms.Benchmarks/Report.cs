using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pms.Benchmarks;

public sealed record ScenarioResult(string Scenario, int Concurrency, LoadResult Result, string Ceiling, double Ratio, string Target);

public sealed record MemoryResult(double PeakMiB, double AfterRound1MiB, double AfterRound2MiB);

/// <summary>Where and when the run happened: what a reader needs to judge the numbers.</summary>
public sealed record RunInfo(DateTimeOffset Started, string Commit, string Branch, string LoadBefore, int Cores, string Cpu)
{
    public string LoadAfter { get; init; } = "";

    public TimeSpan Elapsed { get; init; }

    public static string Git(string repository, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("git", $"-C \"{repository}\" {arguments}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    /// <summary>The 1, 5 and 15 minute load averages: other work on a shared machine shows here.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    public static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";
}

/// <summary>The run's BENCH lines, and its section of docs/benchmarks.md with the before → after comparison.</summary>
public sealed partial class Report(RunInfo run, IReadOnlyList<ScenarioResult> results, IReadOnlyDictionary<int, double> pgbench,
    IReadOnlyDictionary<int, (double SignPerSecond, double VerifyPerSecond)> openssl, MemoryResult memory, TimeSpan duration, TimeSpan warmup)
{
    private const string LatestBegin = "<!-- benchmark:latest:begin (written by tests/Pms.Benchmarks) -->";
    private const string LatestEnd = "<!-- benchmark:latest:end -->";
    private const string BaselineBegin = "<!-- benchmark:baseline:begin (written by tests/Pms.Benchmarks --baseline) -->";
    private const string BaselineEnd = "<!-- benchmark:baseline:end -->";

    /// <summary>One line per scenario and concurrency; the 32-caller rows are the ones the targets speak of.</summary>
    public IEnumerable<string> BenchLines()
    {
        foreach (var r in results)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"BENCH {r.Scenario}_c{r.Concurrency} rps={r.Result.CallsPerSecond:0} p99_ms={r.Result.P99:0.0} ratio={r.Ratio:0.00} ceiling={r.Ceiling} p50_ms={r.Result.P50:0.00} errors={r.Result.Errors}");
        }

        foreach (var (clients, tps) in pgbench.OrderBy(p => p.Key))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"BENCH pgbench_S_c{clients} rps={tps:0} p99_ms=0 ratio=1.00 ceiling=itself");
        }

        foreach (var (bits, rate) in openssl.OrderBy(o => o.Key))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"BENCH openssl_rsa{bits}_sign_1core rps={rate.SignPerSecond:0} p99_ms=0 ratio=1.00 ceiling=itself");
            yield return string.Create(CultureInfo.InvariantCulture, $"BENCH openssl_rsa{bits}_verify_1core rps={rate.VerifyPerSecond:0} p99_ms=0 ratio=1.00 ceiling=itself");
        }

        yield return string.Create(CultureInfo.InvariantCulture,
            $"BENCH pms_grpc_memory peak_rss_mib={memory.PeakMiB:0} rss_after_round1_mib={memory.AfterRound1MiB:0} rss_after_round2_mib={memory.AfterRound2MiB:0} growth_mib={memory.AfterRound2MiB - memory.AfterRound1MiB:0}");
    }

    public void PrintBenchLines(TextWriter writer)
    {
        foreach (var line in BenchLines())
        {
            writer.WriteLine(line);
        }
    }

    public void WriteDocs(string path, bool asBaseline)
    {
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n";
        var baseline = Section(text, BaselineBegin, BaselineEnd);
        if (asBaseline || baseline is null)
        {
            baseline = BaselineSection();
            text = Replace(text, BaselineBegin, BaselineEnd, baseline);
        }

        text = Replace(text, LatestBegin, LatestEnd, LatestSection(baseline));
        File.WriteAllText(path, text);
    }

    private string BaselineSection()
    {
        var builder = new StringBuilder();
        builder.AppendLine(CultureInfo.InvariantCulture, $"Baseline (\"before\"): commit `{run.Commit}` ({run.Branch}), {run.Started:yyyy-MM-dd HH:mm} UTC, load average {run.LoadBefore} at the start.");
        builder.AppendLine();
        builder.AppendLine("```text");
        foreach (var line in BenchLines())
        {
            builder.AppendLine(line);
        }

        builder.AppendLine("```");
        return builder.ToString();
    }

    private string LatestSection(string baseline)
    {
        var before = BenchLinePattern().Matches(baseline).ToDictionary(m => m.Groups[1].Value, m => (Rps: Number(m.Groups[2].Value), P99: Number(m.Groups[3].Value)));
        var builder = new StringBuilder();
        builder.AppendLine(CultureInfo.InvariantCulture,
            $"Machine: {run.Cores} × {run.Cpu}, shared with other engineers' builds (load average {run.LoadBefore} at the start, {run.LoadAfter} at the end). " +
            $"Date: {run.Started:yyyy-MM-dd HH:mm} UTC. Commit: `{run.Commit}` ({run.Branch}). " +
            $"Each row: {warmup.TotalSeconds:0} s warm-up, {duration.TotalSeconds:0} s measured. Whole run: {run.Elapsed:m\\:ss}.");
        builder.AppendLine();
        builder.AppendLine("| scenario | callers | calls/s | p50 ms | p99 ms | server CPU ms/call | ratio | to ceiling | target (32 callers) | errors |");
        builder.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---|---:|");
        foreach (var r in results)
        {
            builder.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {r.Concurrency} | {r.Result.CallsPerSecond:N0} | {r.Result.P50:0.00} | {r.Result.P99:0.00} | {r.Result.ServerCpuMsPerCall:0.000} | {r.Ratio:0.00} | {r.Ceiling} | {(r.Concurrency == 32 ? r.Target : "")} | {r.Result.Errors} |"));
        }

        builder.AppendLine();
        builder.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Ceilings: `pgbench -S` {string.Join(", ", pgbench.OrderBy(p => p.Key).Select(p => $"{p.Value:N0} tps at {p.Key} clients"))}; " +
            $"`openssl speed` one core: RSA 3072 sign {openssl[3072].SignPerSecond:N0}/s, RSA 2048 verify {openssl[2048].VerifyPerSecond:N0}/s. " +
            $"Pms.Grpc memory: peak RSS {memory.PeakMiB:0} MiB; RSS after two identical rounds {memory.AfterRound1MiB:0} → {memory.AfterRound2MiB:0} MiB."));
        builder.AppendLine();
        builder.AppendLine("Before → after at 32 callers (before = the baseline below):");
        builder.AppendLine();
        builder.AppendLine("| scenario | calls/s before → after | p99 ms before → after |");
        builder.AppendLine("|---|---|---|");
        foreach (var r in results.Where(r => r.Concurrency == 32 && r.Scenario != "bare_grpc"))
        {
            var key = $"{r.Scenario}_c32";
            var (rps, p99) = before.TryGetValue(key, out var b) ? (b.Rps.ToString("N0", CultureInfo.InvariantCulture), b.P99.ToString("0.0", CultureInfo.InvariantCulture)) : ("–", "–");
            builder.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {rps} → {r.Result.CallsPerSecond:N0} | {p99} → {r.Result.P99:0.0} |"));
        }

        builder.AppendLine();
        builder.AppendLine("```text");
        foreach (var line in BenchLines())
        {
            builder.AppendLine(line);
        }

        builder.AppendLine("```");
        return builder.ToString();
    }

    private static double Number(string value) => double.Parse(value, CultureInfo.InvariantCulture);

    private static string? Section(string text, string begin, string end)
    {
        var start = text.IndexOf(begin, StringComparison.Ordinal);
        var stop = text.IndexOf(end, StringComparison.Ordinal);
        return start >= 0 && stop > start ? text[(start + begin.Length)..stop] : null;
    }

    private static string Replace(string text, string begin, string end, string content)
    {
        var block = $"{begin}\n{content}{end}";
        var start = text.IndexOf(begin, StringComparison.Ordinal);
        var stop = text.IndexOf(end, StringComparison.Ordinal);
        return start >= 0 && stop > start
            ? text[..start] + block + text[(stop + end.Length)..]
            : text.TrimEnd() + "\n\n" + block + "\n";
    }

    [GeneratedRegex(@"BENCH (\S+) rps=([0-9.]+) p99_ms=([0-9.]+)")]
    private static partial Regex BenchLinePattern();
}
