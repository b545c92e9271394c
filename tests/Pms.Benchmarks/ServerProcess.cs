using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Pms.Benchmarks;

/// <summary>
/// A server under measurement in its own process (<c>dotnet X.dll</c> from the benchmark's own configuration), configured
/// from the environment, listening for HTTP/2 on a free loopback port; killed with its children when disposed.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private ServerProcess(Process process, Uri grpcAddress)
    {
        _process = process;
        GrpcAddress = grpcAddress;
    }

    public Uri GrpcAddress { get; }

    public int ProcessId => _process.Id;

    /// <summary>CPU time the process has used so far.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Resident set size now, in MiB (Linux /proc).</summary>
    public double ResidentMiB => ReadStatusKiB("VmRSS:") / 1024.0;

    /// <summary>Peak resident set size since start, in MiB (Linux /proc).</summary>
    public double PeakResidentMiB => ReadStatusKiB("VmHWM:") / 1024.0;

    /// <summary>The last lines the process wrote, for a failure message.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _log);

    /// <summary>Starts <c>dotnet {project}.dll</c> built next to this benchmark (same configuration, e.g. Release).</summary>
    public static ServerProcess Start(string repositoryRoot, string projectDirectory, string assemblyName, IReadOnlyDictionary<string, string> environment)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        var assembly = Path.Combine(repositoryRoot, projectDirectory, "bin", configuration, "net10.0", assemblyName + ".dll");
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException($"{assembly} does not exist: run the benchmark with `dotnet run -c Release --project tests/Pms.Benchmarks`, which builds it.");
        }

        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Kestrel__Endpoints__grpc__Url"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{assemblyName} did not start.");
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits until grpc.health.v1 answers SERVING (both servers map it without authentication).</summary>
    public async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        using var channel = GrpcChannel.ForAddress(GrpcAddress);
        var client = new Health.HealthClient(channel);
        var stopwatch = Stopwatch.StartNew();
        var last = "no answer";
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode} while starting:{Environment.NewLine}{RecentOutput}");
            }

            try
            {
                var answer = await client.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
                if (answer.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }

                last = answer.Status.ToString();
            }
            catch (RpcException ex)
            {
                last = $"{ex.StatusCode} {ex.Status.Detail}";
            }

            if (stopwatch.Elapsed > timeout)
            {
                throw new TimeoutException($"The server did not answer SERVING within {timeout.TotalSeconds:0} s (last: {last}):{Environment.NewLine}{RecentOutput}");
            }

            await Task.Delay(250);
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > 200 && _log.TryDequeue(out _))
        {
        }
    }

    private long ReadStatusKiB(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
