using System.Globalization;
using Grpc.Net.Client;
using Pms.Testing;

namespace Pms.Benchmarks.Journeys;

/// <summary>
/// <c>dotnet run -c Release --project tests/Pms.Benchmarks -- journeys [options]</c>: the provider onboarding load
/// (<see cref="JourneyLoad"/>) against Pms.Grpc started here, or against a running system (<c>--address</c>).
/// </summary>
public static class JourneyCommand
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/Pms.Benchmarks -- journeys [options]
          --count 200               concurrent provider journeys (default 200)
          --admins 4                admins approving at the same time (default 4)
          --ramp 0                  seconds over which the journeys start, evenly (default 0: all at the same instant)
          --address URL             a running Pms.Grpc (gRPC endpoint, e.g. the AppHost's pms-grpc grpc endpoint);
                                    default: start Pms.Grpc (Release) and PostgreSQL here
          --admin-username admin    with --address: the bootstrap admin (default admin)
          --admin-password PW       with --address: its password (default: $PMS_ADMIN_PASSWORD)
          --max-pool-size 20        without --address: Npgsql's Maximum Pool Size for the server (default 20; Npgsql's own
                                    default, 100, lets a burst open 100 connections at once, see docs/operations.md)
        Exit code 0 when every journey completed, no error but the documented refusals between admins occurred,
        every chip is APPROVED and every chip's audit trail chains from → to.
        """;

    public static async Task<int> RunAsync(string[] args, string repositoryRoot)
    {
        int count = 200, admins = 4;
        var rampUp = TimeSpan.Zero;
        string? address = null, adminPassword = Environment.GetEnvironmentVariable("PMS_ADMIN_PASSWORD");
        var adminUsername = PmsServerProcess.AdminUsername;
        var maxPoolSize = 20;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--count": count = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--admins": admins = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--ramp": rampUp = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--address": address = Next(); break;
                case "--admin-username": adminUsername = Next(); break;
                case "--admin-password": adminPassword = Next(); break;
                case "--max-pool-size": maxPoolSize = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default:
                    Console.WriteLine(Usage);
                    return 2;
            }
        }

        ServerProcess? server = null;
        try
        {
            if (address is null)
            {
                var database = await (await PostgresServer.GetSharedAsync()).CreateDatabaseAsync("journeys");
                (server, adminPassword) = await PmsServerProcess.StartAsync(repositoryRoot, $"{database};Maximum Pool Size={maxPoolSize}");
                address = server.GrpcAddress.ToString();
                Console.WriteLine($"Pms.Grpc runs with Maximum Pool Size={maxPoolSize}.");
            }
            else if (adminPassword is null)
            {
                Console.Error.WriteLine("--address needs --admin-password (or PMS_ADMIN_PASSWORD).");
                return 2;
            }

            using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                // 200 journeys at once exceed one HTTP/2 connection's 100 concurrent streams.
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            });
            var cpuBefore = server?.ProcessorTime;
            var report = await new JourneyLoad(channel, adminUsername, adminPassword, Console.Out).RunAsync(count, admins, rampUp);
            Console.WriteLine();
            Console.Write(report);
            if (server is not null && cpuBefore is { } before)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Server CPU: {(server.ProcessorTime - before).TotalSeconds:0.0} s over the run (includes the final check)"));
            }
            if (server is not null && !report.Passed)
            {
                // What the server said about the failures (it logs at Warning and above).
                Console.WriteLine("Server log, errors:");
                foreach (var line in server.RecentOutput.Split(Environment.NewLine).SkipWhile(l => !l.StartsWith("fail:", StringComparison.Ordinal)).Take(60))
                {
                    Console.WriteLine("  " + line);
                }
            }
            return report.Passed ? 0 : 1;
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }
}
