using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Pms.Benchmarks;

/// <summary>
/// What this machine can do at most, measured in the same run as PMS so that the ratios compare like with like:
/// PostgreSQL's own primary-key read loop (<c>pgbench -S</c>) and OpenSSL's single-core RSA rates (<c>openssl speed</c>).
/// The bare gRPC ceiling is measured by the load runner against <c>Pms.Benchmarks.BareServer</c>.
/// </summary>
public static partial class Ceilings
{
    /// <summary>Initialises pgbench's tables (scale 10: one million accounts) in a database of their own on the same server.</summary>
    public static async Task InitPgbenchAsync(string connectionString)
    {
        await RunAsync(PgbenchPath(), ["-i", "-q", "-s", "10", "--no-vacuum", ..ConnectionArguments(connectionString)], connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE", connection);
        await vacuum.ExecuteNonQueryAsync();
    }

    /// <summary><c>pgbench -S</c> (SELECT by primary key, simple protocol) with <paramref name="clients"/> connections: transactions per second.</summary>
    public static async Task<double> PgbenchSelectOnlyAsync(string connectionString, int clients, TimeSpan duration)
    {
        var output = await RunAsync(PgbenchPath(),
            ["-S", "-n", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", Math.Min(clients, Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture),
             "-T", ((int)Math.Max(1, duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture), ..ConnectionArguments(connectionString)],
            connectionString);
        var match = TpsPattern().Match(output);
        return match.Success
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"pgbench printed no tps line:{Environment.NewLine}{output}");
    }

    /// <summary><c>openssl speed</c> on one core: RSA signatures and verifications per second for each key size asked.</summary>
    public static async Task<IReadOnlyDictionary<int, (double SignPerSecond, double VerifyPerSecond)>> OpenSslRsaAsync(TimeSpan perOperation, params int[] bits)
    {
        var output = await RunAsync("openssl",
            ["speed", "-seconds", ((int)Math.Max(1, perOperation.TotalSeconds)).ToString(CultureInfo.InvariantCulture), .. bits.Select(b => $"rsa{b}")], null);
        var rates = new Dictionary<int, (double, double)>();
        foreach (var line in output.Split('\n'))
        {
            // "rsa 3072 bits 0.001865s 0.000037s    536.2  27027.0" (OpenSSL 3.0); later versions add columns after these.
            var match = RsaPattern().Match(line);
            if (match.Success)
            {
                var numbers = match.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Where(n => !n.EndsWith('s')).Select(n => double.Parse(n, CultureInfo.InvariantCulture)).ToArray();
                if (numbers.Length >= 2)
                {
                    rates[int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)] = (numbers[0], numbers[1]);
                }
            }
        }

        return bits.All(rates.ContainsKey) ? rates : throw new InvalidOperationException($"openssl speed printed no RSA rates:{Environment.NewLine}{output}");
    }

    private static string PgbenchPath()
    {
        foreach (var directory in Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().ToArray() : [])
        {
            var candidate = Path.Combine(directory, "bin", "pgbench");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return "pgbench";
    }

    private static string[] ConnectionArguments(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return ["-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, builder.Database!];
    }

    private static async Task<string> RunAsync(string program, string[] arguments, string? connectionString)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (connectionString is not null)
        {
            start.Environment["PGPASSWORD"] = new NpgsqlConnectionStringBuilder(connectionString).Password;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout + await stderr;
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}):{Environment.NewLine}{output}");
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsPattern();

    [GeneratedRegex(@"^rsa\s*(\d+) bits?((?:\s+[0-9.]+s?)+)\s*$")]
    private static partial Regex RsaPattern();
}
