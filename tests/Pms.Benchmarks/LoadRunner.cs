using System.Diagnostics;
using System.Globalization;
using Grpc.Core;

namespace Pms.Benchmarks;

/// <summary>What one run measured: calls, errors, latency percentiles, and the server's CPU per call.</summary>
public sealed record LoadResult(long Calls, long Errors, TimeSpan Elapsed, double P50, double P90, double P99, double Max, double ServerCpuMsPerCall)
{
    public double CallsPerSecond => Elapsed.TotalSeconds == 0 ? 0 : Calls / Elapsed.TotalSeconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{CallsPerSecond,8:N0} calls/s  p50 {P50,6:0.00} ms  p99 {P99,7:0.00} ms  server CPU {ServerCpuMsPerCall:0.000} ms/call  errors {Errors}");
}

/// <summary>
/// N callers in a closed loop: each sends its next call as soon as the previous answer arrives. A call is one
/// <c>Func&lt;caller, sequence, Task&lt;bool&gt;&gt;</c>; false or an <see cref="RpcException"/> counts as an error
/// (and the first error is kept, so that a benchmark of failures is noticed rather than published).
/// </summary>
public static class LoadRunner
{
    public static async Task<LoadResult> RunAsync(string label, int concurrency, TimeSpan warmup, TimeSpan duration,
        Func<int, long, Task<bool>> call, Func<TimeSpan>? serverCpu = null)
    {
        long sequence = -1;
        if (warmup > TimeSpan.Zero)
        {
            await LoopAsync(concurrency, warmup, call, () => Interlocked.Increment(ref sequence), null, null, label + " (warm-up)");
        }

        var latencies = new List<double>[concurrency];
        var errors = new long[1];
        var cpuBefore = serverCpu?.Invoke() ?? TimeSpan.Zero;
        var elapsed = await LoopAsync(concurrency, duration, call, () => Interlocked.Increment(ref sequence), latencies, errors, label);
        var cpu = (serverCpu?.Invoke() ?? TimeSpan.Zero) - cpuBefore;

        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)];
        return new LoadResult(all.Length, errors[0], elapsed, Percentile(0.50), Percentile(0.90), Percentile(0.99),
            all.Length == 0 ? 0 : all[^1], all.Length == 0 || serverCpu is null ? 0 : cpu.TotalMilliseconds / all.Length);
    }

    private static async Task<TimeSpan> LoopAsync(int concurrency, TimeSpan duration, Func<int, long, Task<bool>> call, Func<long> next,
        List<double>[]? latencies, long[]? errors, string label)
    {
        var stopwatch = Stopwatch.StartNew();
        long done = 0;
        string? firstError = null;
        var workers = Enumerable.Range(0, concurrency).Select(caller => Task.Run(async () =>
        {
            var mine = new List<double>(1 << 14);
            if (latencies is not null)
            {
                latencies[caller] = mine;
            }

            while (stopwatch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await call(caller, next());
                }
                catch (RpcException ex)
                {
                    ok = false;
                    Interlocked.CompareExchange(ref firstError, $"{ex.StatusCode}: {ex.Status.Detail}", null);
                }

                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Interlocked.Increment(ref done);
                if (!ok && errors is not null)
                {
                    Interlocked.Increment(ref errors[0]);
                }
            }
        })).ToArray();

        var all = Task.WhenAll(workers);
        while (await Task.WhenAny(all, Task.Delay(500)) != all)
        {
            Progress.Live($"{label}: {Math.Min(stopwatch.Elapsed.TotalSeconds, duration.TotalSeconds):0.0}/{duration.TotalSeconds:0} s, {Interlocked.Read(ref done):N0} calls");
        }

        await all;
        var elapsed = stopwatch.Elapsed;
        if (firstError is not null && errors is not null)
        {
            Progress.Line($"  first error in {label}: {firstError}");
        }

        return elapsed;
    }
}

/// <summary>The progress display: timestamped stage lines, and one live line rewritten in place on a terminal.</summary>
public static class Progress
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();
    private static int _liveLength;

    public static TimeSpan Elapsed => Clock.Elapsed;

    public static void Line(string text)
    {
        ClearLive();
        Console.WriteLine($"[{Clock.Elapsed:mm\\:ss}] {text}");
    }

    public static void Live(string text)
    {
        if (Console.IsOutputRedirected)
        {
            return;
        }

        var line = $"[{Clock.Elapsed:mm\\:ss}] {text}";
        Console.Write("\r" + line.PadRight(_liveLength));
        _liveLength = line.Length;
    }

    private static void ClearLive()
    {
        if (_liveLength > 0 && !Console.IsOutputRedirected)
        {
            Console.Write("\r" + new string(' ', _liveLength) + "\r");
            _liveLength = 0;
        }
    }
}
