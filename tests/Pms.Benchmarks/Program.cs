using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Mosip.Pms.V1;
using Pms.Benchmarks;
using Pms.Benchmarks.Journeys;
using Pms.Testing;

// VerifyCertificateTrust throughput and latency over real gRPC (HTTP/2 over a TCP socket) against Pms.Grpc in its
// own process, with the trust store cached. See docs/benchmarks.md for how to run it and what it measured.
if (args.FirstOrDefault() == "journeys")
{
    // Issue 11's load: providers onboarding at once while admins approve (docs/benchmarks.md).
    return await JourneyCommand.RunAsync(args[1..], BenchmarkOptions.FindRepositoryRoot());
}

var options = BenchmarkOptions.Parse(args);
if (options is null)
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 2;
}

await using var server = await PmsServerProcess.StartAsync(options.RepositoryRoot, options.Build, TimeSpan.FromMinutes(3));
using var channel = GrpcChannel.ForAddress(server.GrpcAddress, new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler
    {
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
    },
});

var login = await new PartnerService.PartnerServiceClient(channel).LoginAsync(
    new LoginRequest { Username = PmsServerProcess.AdminUsername, Password = server.AdminPassword });
var auth = new Metadata { { "authorization", $"Bearer {login.AccessToken}" } };
var trustStore = new TrustStoreService.TrustStoreServiceClient(channel);

// The FTM trust store: the chain under test among unrelated CAs, as a real store would hold.
Console.WriteLine($"Uploading the trust store ({options.KeyType} chain + {options.OtherCas} unrelated root/intermediate pairs) ...");
var root = TestCertificates.Root("Benchmark FTM Root", o => o.KeyType = options.KeyType);
var intermediate = root.Issue("Benchmark FTM Sub CA", o => o.KeyType = options.KeyType);
for (var i = 0; i < options.OtherCas; i++)
{
    var other = TestCertificates.Root($"Other Root {i}", o => o.KeyType = TestKeyType.EcP256);
    await trustStore.UploadCaCertificateAsync(new UploadCaCertificateRequest
    {
        PartnerDomain = PartnerDomain.Ftm,
        CertificateData = ByteString.CopyFromUtf8(TestCertificates.BundlePem(other, other.Issue($"Other Sub CA {i}", o => o.KeyType = TestKeyType.EcP256))),
    }, auth);
}

await trustStore.UploadCaCertificateAsync(new UploadCaCertificateRequest
{
    PartnerDomain = PartnerDomain.Ftm,
    CertificateData = ByteString.CopyFromUtf8(TestCertificates.BundlePem(root, intermediate)),
}, auth);

var results = new List<(string Scenario, int Concurrency, LoadResult Result)>();
foreach (var leafCount in options.LeafCounts)
{
    var scenario = $"{leafCount:N0} distinct leaves";
    Console.WriteLine($"Generating {leafCount:N0} leaf certificates ({options.KeyType}) ...");
    var leafKey = TestCertificates.GenerateKey(options.KeyType);
    var requests = new VerifyCertificateTrustRequest[leafCount];
    for (var i = 0; i < leafCount; i++)
    {
        var leaf = intermediate.IssueLeaf($"device {i}", o => (o.KeyType, o.KeyPair) = (options.KeyType, leafKey));
        requests[i] = new VerifyCertificateTrustRequest { PartnerDomain = PartnerDomain.Ftm, CertificateData = ByteString.CopyFromUtf8(leaf.Pem) };
    }

    // Every answer must be "trusted", or the numbers measure something else.
    var check = await trustStore.VerifyCertificateTrustAsync(requests[0], auth);
    if (!check.Trusted)
    {
        throw new InvalidOperationException($"The benchmark leaf is not trusted: {check.Reason}");
    }

    foreach (var concurrency in options.Concurrency)
    {
        // The machine may be shared: repeat each run and keep the median by throughput.
        var runs = new List<LoadResult>();
        for (var repetition = 0; repetition < options.Repeat; repetition++)
        {
            await LoadRunner.RunAsync(trustStore, auth, requests, concurrency, options.Warmup, server);
            var run = await LoadRunner.RunAsync(trustStore, auth, requests, concurrency, options.Duration, server);
            Console.WriteLine($"{scenario}, {concurrency} concurrent callers, run {repetition + 1}: {run}");
            runs.Add(run);
        }

        results.Add((scenario, concurrency, runs.OrderBy(r => r.CallsPerSecond).ElementAt(runs.Count / 2)));
    }
}

Console.WriteLine();
Console.WriteLine($"VerifyCertificateTrust, {options.KeyType} chain (leaf → intermediate → root), {Environment.ProcessorCount} cores, " +
    $"median of {options.Repeat} run(s) of {options.Duration.TotalSeconds:0} s per row");
Console.WriteLine();
Console.WriteLine("| leaves | concurrent callers | calls/s | p50 ms | p90 ms | p99 ms | max ms | server CPU ms/call | errors |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var (scenario, concurrency, r) in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {scenario.Split(' ')[0]} | {concurrency} | {r.CallsPerSecond:N0} | {r.P50:0.00} | {r.P90:0.00} | {r.P99:0.00} | {r.Max:0.00} | {r.ServerCpuMsPerCall:0.000} | {r.Errors} |"));
}

return 0;

namespace Pms.Benchmarks
{
    public sealed record BenchmarkOptions(
        IReadOnlyList<int> Concurrency,
        TimeSpan Duration,
        TimeSpan Warmup,
        IReadOnlyList<int> LeafCounts,
        TestKeyType KeyType,
        int OtherCas,
        int Repeat,
        bool Build,
        string RepositoryRoot)
    {
        public const string Usage = """
            Usage: dotnet run -c Release --project tests/Pms.Benchmarks -- [options]
              --concurrency 1,4,16,64   concurrent callers, one run each (default 1,4,16,64)
              --duration 10             seconds measured per run (default 10)
              --warmup 3                seconds of unmeasured calls before each run (default 3)
              --leaves 256,12000        distinct leaf certificates cycled through, one scenario each (default 256,12000;
                                        more than 10,000 defeats the trust store's signature verdict cache)
              --key ec|rsa              key type of the chain and leaves: EC P-256 or RSA 2048 (default rsa)
              --other-cas 25            unrelated root+intermediate pairs in the trust store (default 25)
              --repeat 3                runs per row; the row reports the median by throughput (default 3)
              --no-build                use Pms.Grpc/bin/Release as it is
            """;

        public static BenchmarkOptions? Parse(string[] args)
        {
            var options = new BenchmarkOptions([1, 4, 16, 64], TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3), [256, 12_000],
                TestKeyType.Rsa2048, 25, 3, true, FindRepositoryRoot());
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                static int[] Numbers(string value) => [.. value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))];
                options = args[i] switch
                {
                    "--concurrency" => options with { Concurrency = Numbers(Next()) },
                    "--duration" => options with { Duration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                    "--warmup" => options with { Warmup = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                    "--leaves" => options with { LeafCounts = Numbers(Next()) },
                    "--key" => options with { KeyType = Next() == "ec" ? TestKeyType.EcP256 : TestKeyType.Rsa2048 },
                    "--other-cas" => options with { OtherCas = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--repeat" => options with { Repeat = Math.Max(1, int.Parse(Next(), CultureInfo.InvariantCulture)) },
                    "--no-build" => options with { Build = false },
                    _ => null,
                };
                if (options is null)
                {
                    return null;
                }
            }

            return options;
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

    public sealed record LoadResult(long Calls, int Errors, TimeSpan Elapsed, double P50, double P90, double P99, double Max, double ServerCpuMsPerCall)
    {
        public double CallsPerSecond => Calls / Elapsed.TotalSeconds;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{CallsPerSecond:N0} calls/s, p50 {P50:0.00} ms, p90 {P90:0.00} ms, p99 {P99:0.00} ms, max {Max:0.00} ms, server CPU {ServerCpuMsPerCall:0.000} ms/call, {Errors} errors");
    }

    /// <summary>N callers, each sending its next request as soon as the previous answer arrives (closed loop).</summary>
    public static class LoadRunner
    {
        public static async Task<LoadResult> RunAsync(TrustStoreService.TrustStoreServiceClient client, Metadata auth,
            VerifyCertificateTrustRequest[] requests, int concurrency, TimeSpan duration, PmsServerProcess server)
        {
            var next = -1;
            var errors = 0;
            var latencies = new List<double>[concurrency];
            var cpuBefore = server.ProcessorTime;
            var stopwatch = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
            {
                var mine = latencies[worker] = new List<double>(1 << 16);
                while (stopwatch.Elapsed < duration)
                {
                    var request = requests[(int)((uint)Interlocked.Increment(ref next) % (uint)requests.Length)];
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        var answer = await client.VerifyCertificateTrustAsync(request, auth);
                        if (!answer.Trusted)
                        {
                            Interlocked.Increment(ref errors);
                        }
                    }
                    catch (RpcException)
                    {
                        Interlocked.Increment(ref errors);
                    }

                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            })).ToArray();
            await Task.WhenAll(workers);
            var elapsed = stopwatch.Elapsed;
            var cpu = server.ProcessorTime - cpuBefore;

            var all = latencies.SelectMany(l => l).Order().ToArray();
            double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)];
            return new LoadResult(all.Length, errors, elapsed, Percentile(0.50), Percentile(0.90), Percentile(0.99),
                all.Length == 0 ? 0 : all[^1], all.Length == 0 ? 0 : cpu.TotalMilliseconds / all.Length);
        }
    }
}
