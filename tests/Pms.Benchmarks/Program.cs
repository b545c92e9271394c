using System.Globalization;
using Google.Protobuf;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Mosip.Pms.V1;
using Pms.Benchmarks;
using Pms.Testing;

// PMS's hot paths over real gRPC (HTTP/2 over loopback TCP) against Pms.Grpc in its own process, each next to the
// ceiling this machine allows for it, measured in the same run. See docs/benchmarks.md.
if (args.FirstOrDefault() == "journeys")
{
    // Issue 11's load: providers onboarding at once while admins approve (docs/operations.md).
    return await Pms.Benchmarks.Journeys.JourneyCommand.RunAsync(args[1..], BenchmarkOptions.FindRepositoryRoot());
}

var options = BenchmarkOptions.Parse(args);
if (options is null)
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 2;
}

var run = new RunInfo(DateTimeOffset.UtcNow, RunInfo.Git(options.RepositoryRoot, "rev-parse --short HEAD"),
    RunInfo.Git(options.RepositoryRoot, "rev-parse --abbrev-ref HEAD"), RunInfo.LoadAverage(), Environment.ProcessorCount, RunInfo.CpuModel());
Progress.Line($"PMS benchmark: commit {run.Commit} ({run.Branch}), {run.Cores} cores, load average {run.LoadBefore}; " +
    $"{options.Duration.TotalSeconds:0} s per run after {options.Warmup.TotalSeconds:0} s warm-up, callers {string.Join('/', options.Concurrency)}" +
    (options.Only is null ? "" : $"; only {string.Join(", ", options.Only)} (no ceilings, no memory rounds, docs untouched)"));
bool Wanted(string scenario) => options.Only is null || options.Only.Contains(scenario);

var results = new List<ScenarioResult>();
void Record(string scenario, int concurrency, LoadResult result, string ceiling, double ratio, string target)
{
    var row = new ScenarioResult(scenario, concurrency, result, ceiling, ratio, target);
    results.Add(row);
    Progress.Line($"  {scenario,-22} {concurrency,3} callers: {result}  ratio {ratio:0.00} to {ceiling}");
}

Progress.Line("Starting PostgreSQL ...");
var postgres = await PostgresServer.GetSharedAsync();
var pmsDatabase = await postgres.CreateDatabaseAsync("benchmark");
var pgbenchDatabase = await postgres.CreateDatabaseAsync("pgbench");

// Ceilings first, while nothing else of the benchmark runs.
IReadOnlyDictionary<int, (double SignPerSecond, double VerifyPerSecond)> openssl = new Dictionary<int, (double SignPerSecond, double VerifyPerSecond)>();
var pgbench = new Dictionary<int, double>();
var bare = new Dictionary<int, LoadResult>();
var handler = () => new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan };
if (options.Only is null)
{
    Progress.Line("Ceiling: openssl speed rsa3072 rsa2048 (one core) ...");
    openssl = await Ceilings.OpenSslRsaAsync(TimeSpan.FromSeconds(2), 3072, 2048);
    Progress.Line(string.Create(CultureInfo.InvariantCulture,
        $"  RSA 3072 sign {openssl[3072].SignPerSecond:N0}/s, RSA 2048 verify {openssl[2048].VerifyPerSecond:N0}/s, RSA 2048 sign {openssl[2048].SignPerSecond:N0}/s"));

    Progress.Line("Ceiling: pgbench -S (scale 10) ...");
    await Ceilings.InitPgbenchAsync(pgbenchDatabase);
    foreach (var clients in options.Concurrency)
    {
        pgbench[clients] = await Ceilings.PgbenchSelectOnlyAsync(pgbenchDatabase, clients, options.Duration);
        Progress.Line(string.Create(CultureInfo.InvariantCulture, $"  pgbench -S {clients,3} clients: {pgbench[clients],8:N0} tps"));
    }

    Progress.Line("Ceiling: bare gRPC server (grpc.health.v1 Check, no database, no authentication) ...");
    await using (var bareServer = ServerProcess.Start(options.RepositoryRoot, Path.Combine("tests", "Pms.Benchmarks.BareServer"), "Pms.Benchmarks.BareServer",
        new Dictionary<string, string>()))
    {
        await bareServer.WaitUntilServingAsync(TimeSpan.FromMinutes(1));
        using var bareChannel = GrpcChannel.ForAddress(bareServer.GrpcAddress, new GrpcChannelOptions { HttpHandler = handler() });
        var health = new Health.HealthClient(bareChannel);
        var check = new HealthCheckRequest();
        foreach (var concurrency in options.Concurrency)
        {
            var result = await LoadRunner.RunAsync($"bare_grpc {concurrency}", concurrency, options.Warmup, options.Duration,
                async (_, _) => (await health.CheckAsync(check)).Status == HealthCheckResponse.Types.ServingStatus.Serving, () => bareServer.ProcessorTime);
            bare[concurrency] = result;
            Record("bare_grpc", concurrency, result, "itself", 1, "");
        }
    }
}

Progress.Line("Starting Pms.Grpc (Release, Production, own process) ...");
var (server, adminPassword) = await PmsServerProcess.StartAsync(options.RepositoryRoot, pmsDatabase);
await using var serverLifetime = server;
// For a profiler: dotnet-trace collect -p <pid>, dotnet-counters monitor -p <pid> (docs/benchmarks.md#profile).
Progress.Line($"  Pms.Grpc is process {server.ProcessId} at {server.GrpcAddress}");
using var channel = GrpcChannel.ForAddress(server.GrpcAddress, new GrpcChannelOptions { HttpHandler = handler() });
using var certificates = new BenchmarkCertificates();
var seeder = new Seeder(channel, pmsDatabase, certificates);
var admin = await seeder.SignInAsync(PmsServerProcess.AdminUsername, adminPassword);
await seeder.UploadTrustStoreAsync(admin);
Progress.Line("Seeding 1,000 partners and 100,000 chips (SQL) ...");
await seeder.SeedAsync();
var providerCount = Math.Max(1, options.Concurrency.Max());
Progress.Line($"Signing in {providerCount} providers; making {options.DistinctLeaves:N0} distinct leaf certificates ...");
var providers = await seeder.SignInProvidersAsync(providerCount);
var leaves = new VerifyCertificateTrustRequest[Wanted("verify_cached") || Wanted("verify_distinct") ? options.DistinctLeaves : 0];
Parallel.For(0, leaves.Length, i => leaves[i] = new VerifyCertificateTrustRequest
{
    PartnerDomain = PartnerDomain.Ftm,
    CertificateData = ByteString.CopyFrom(certificates.Leaf($"device {i}", "PMS Bench Devices")),
});

var trustStore = new TrustStoreService.TrustStoreServiceClient(channel);
var chips = new FtmChipService.FtmChipServiceClient(channel);
var partnerService = new PartnerService.PartnerServiceClient(channel);
var big = providers[0];
// The portal's first page: it shows the total, so it asks for it (counted once, then cached until a chip changes).
var firstPage = new ListFtmChipsRequest { PageSize = 50, IncludeTotalSize = true };
var deepPage = new ListFtmChipsRequest { PageSize = 50 };
if (Wanted("list_chips_page1000"))
{
    Progress.Line("Walking provider 0's list to page 1,000 (50 a page) ...");
    deepPage.PageToken = await PageTokenAsync(chips, big, 1_000);
}

long addSequence = 0;

// Each scenario: the call one caller makes, the ceiling it is compared with, and the target ratio (docs/benchmarks.md).
var scenarios = new List<Scenario>
{
    new("verify_cached", "bare_grpc", "≥ 0.7", async (_, _) =>
        (await trustStore.VerifyCertificateTrustAsync(leaves[0], admin)).Trusted),
    new("verify_distinct", "bare_grpc", "≥ 0.5", async (_, n) =>
        (await trustStore.VerifyCertificateTrustAsync(leaves[(int)(n % leaves.Length)], admin)).Trusted),
    new("get_chip", "pgbench_S", "≥ 0.4, p99 ≤ 15 ms", async (caller, n) =>
    {
        var provider = providers[caller % providers.Length];
        var id = provider.ChipIds[(int)(n % provider.ChipIds.Count)];
        return (await chips.GetFtmChipAsync(new GetFtmChipRequest { FtmChipId = id }, provider.Auth)).FtmChipId == id;
    }),
    new("list_chips_page1", "get_chip", "≥ 0.5", async (_, _) =>
        (await chips.ListFtmChipsAsync(firstPage, big.Auth)).FtmChips.Count == 50),
    new("list_chips_page1000", "list_chips_page1_p50", "p50 ≤ 1.2 × page 1", async (_, _) =>
        (await chips.ListFtmChipsAsync(deepPage, big.Auth)).FtmChips.Count == 50),
    new("upload_partner_cert", "openssl_rsa3072_sign", "≥ 0.25", async (caller, _) =>
    {
        var provider = providers[caller % providers.Length];
        var answer = await partnerService.UploadPartnerCertificateAsync(new UploadPartnerCertificateRequest { CertificateData = provider.PartnerCertificate }, provider.Auth);
        return answer.MosipSignedCertificatePem.Length > 0;
    }),
    new("add_chip", "pgbench_S", "", async (caller, _) =>
    {
        var provider = providers[caller % providers.Length];
        var model = "Bench " + Interlocked.Increment(ref addSequence).ToString(CultureInfo.InvariantCulture);
        return (await chips.AddFtmChipAsync(new AddFtmChipRequest { Make = "Bench make", Model = model }, provider.Auth)).Model == model;
    }),
};

foreach (var scenario in scenarios.Where(s => Wanted(s.Name)))
{
    foreach (var concurrency in options.Concurrency)
    {
        if (options.Only is not null)
        {
            // A profiler attached now records this scenario alone.
            Progress.Line($"  {scenario.Name} {concurrency} callers: started");
        }
        var result = await LoadRunner.RunAsync($"{scenario.Name} {concurrency}", concurrency, options.Warmup, options.Duration, scenario.Call,
            () => server.ProcessorTime);
        double Rps(string name) => results.FirstOrDefault(r => r.Scenario == name && r.Concurrency == concurrency)?.Result.CallsPerSecond ?? double.NaN;
        var ratio = options.Only is not null ? double.NaN : scenario.Ceiling switch
        {
            "bare_grpc" => result.CallsPerSecond / bare[concurrency].CallsPerSecond,
            "pgbench_S" => result.CallsPerSecond / pgbench[concurrency],
            "openssl_rsa3072_sign" => result.CallsPerSecond / openssl[3072].SignPerSecond,
            "list_chips_page1_p50" => result.P50 / results.First(r => r.Scenario == "list_chips_page1" && r.Concurrency == concurrency).Result.P50,
            _ => result.CallsPerSecond / Rps(scenario.Ceiling),
        };
        Record(scenario.Name, concurrency, result, scenario.Ceiling, ratio, scenario.Target);
    }
}

// Memory: peak RSS so far, then two identical rounds; the resident size after each should not grow.
var memoryRounds = new List<double>();
if (options.Only is not null)
{
    memoryRounds.AddRange([double.NaN, double.NaN]);
}
else
{
    Progress.Line("Memory: two identical rounds of every read scenario at 32 callers ...");
}
for (var round = 1; round <= 2 && options.Only is null; round++)
{
    foreach (var scenario in scenarios.Where(s => s.Name is not ("upload_partner_cert" or "add_chip")))
    {
        await LoadRunner.RunAsync($"memory round {round}: {scenario.Name}", 32, TimeSpan.Zero, options.Duration, scenario.Call);
    }

    memoryRounds.Add(server.ResidentMiB);
    Progress.Line(string.Create(CultureInfo.InvariantCulture, $"  after round {round}: RSS {memoryRounds[^1]:0} MiB"));
}

var memory = new MemoryResult(server.PeakResidentMiB, memoryRounds[0], memoryRounds[1]);
run = run with { LoadAfter = RunInfo.LoadAverage(), Elapsed = Progress.Elapsed };
var report = new Report(run, results, pgbench, openssl, memory, options.Duration, options.Warmup);
Console.WriteLine();
report.PrintBenchLines(Console.Out);
if (options.WriteDocs && options.Only is null)
{
    var path = Path.Combine(options.RepositoryRoot, "docs", "benchmarks.md");
    report.WriteDocs(path, options.AsBaseline);
    Progress.Line($"Wrote {path}{(options.AsBaseline ? " (as the baseline)" : "")}.");
}

return results.Any(r => r.Result.Errors > 0) ? 1 : 0;

static async Task<string> PageTokenAsync(FtmChipService.FtmChipServiceClient chips, BenchProvider provider, int page)
{
    // Big pages to get close, then pages of 50: the token holds the last row seen, not the page size.
    var token = "";
    var seen = 0;
    var wanted = (page - 1) * 50;
    while (seen < wanted)
    {
        var size = Math.Min(200, wanted - seen);
        var answer = await chips.ListFtmChipsAsync(new ListFtmChipsRequest { PageSize = size, PageToken = token }, provider.Auth);
        token = answer.NextPageToken;
        seen += answer.FtmChips.Count;
        Progress.Live($"listing: {seen:N0}/{wanted:N0} chips");
    }

    return token;
}

namespace Pms.Benchmarks
{
    public sealed record Scenario(string Name, string Ceiling, string Target, Func<int, long, Task<bool>> Call);

    public sealed record BenchmarkOptions(
        IReadOnlyList<int> Concurrency,
        TimeSpan Duration,
        TimeSpan Warmup,
        int DistinctLeaves,
        bool WriteDocs,
        bool AsBaseline,
        string RepositoryRoot,
        IReadOnlySet<string>? Only = null)
    {
        public static readonly IReadOnlyList<string> ScenarioNames =
            ["verify_cached", "verify_distinct", "get_chip", "list_chips_page1", "list_chips_page1000", "upload_partner_cert", "add_chip"];

        public const string Usage = """
            Usage: dotnet run -c Release --project tests/Pms.Benchmarks -- [options]
              --concurrency 1,8,32,128  concurrent callers, one run each (default 1,8,32,128)
              --duration 3              seconds measured per run (default 3)
              --warmup 1                seconds of unmeasured calls before each run (default 1)
              --leaves 12000            distinct leaves for verify_distinct (default 12,000: more than the server's
                                        10,000-entry verdict caches hold, so every call verifies a signature)
              --baseline                also record this run as the "before" of docs/benchmarks.md
              --no-docs                 print only; leave docs/benchmarks.md alone
              --only get_chip,...       only these scenarios, for profiling and before/after pairs: no ceilings (ratios
                                        print as NaN), no memory rounds, docs/benchmarks.md untouched. Scenarios:
                                        verify_cached, verify_distinct, get_chip, list_chips_page1, list_chips_page1000,
                                        upload_partner_cert, add_chip
            """;

        public static BenchmarkOptions? Parse(string[] args)
        {
            var options = new BenchmarkOptions([1, 8, 32, 128], TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), 12_000, true, false,
                FindRepositoryRoot());
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                static int[] Numbers(string value) => [.. value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))];
                options = args[i] switch
                {
                    "--concurrency" => options with { Concurrency = Numbers(Next()) },
                    "--duration" => options with { Duration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                    "--warmup" => options with { Warmup = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                    "--leaves" => options with { DistinctLeaves = Math.Max(1, int.Parse(Next(), CultureInfo.InvariantCulture)) },
                    "--baseline" => options with { AsBaseline = true },
                    "--no-docs" => options with { WriteDocs = false },
                    "--only" => Next().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is var names
                        && names.Length > 0 && names.All(ScenarioNames.Contains)
                            ? options with { Only = names.ToHashSet() }
                            : null,
                    _ => null,
                };
                if (options is null)
                {
                    return null;
                }
            }

            return options.Concurrency.Contains(32) || options.Only is not null ? options : options with { Concurrency = [.. options.Concurrency, 32] };
        }

        public static string FindRepositoryRoot()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Pms.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("Run the benchmark from the PMS repository (Pms.sln not found above the program).");
        }
    }
}
