using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Mosip.Pms.V1;
using Pms.Testing;

namespace Pms.FaultTests;

/// <summary>What every Pms.Grpc process of one test shares: the database, the mail server and the secrets.</summary>
public sealed record PmsSettings(string ConnectionString, string MailConnectionString, string AdminPassword, string JwtKey, string MasterKey,
    string TestFolder);

/// <summary>
/// Pms.Grpc as operators run it: its own process (built with this test project, in the same configuration),
/// configured from the environment, on a fixed local port so a restarted process is found at the same address.
/// </summary>
public sealed class PmsProcess : IAsyncDisposable
{
    public const string AdminUsername = "admin";
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(10);

    private readonly PmsSettings _settings;
    private readonly ConcurrentQueue<string> _log = new();
    private Process? _process;

    public PmsProcess(PmsSettings settings)
    {
        _settings = settings;
        GrpcAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        HttpAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        Channel = GrpcChannel.ForAddress(GrpcAddress);
    }

    public Uri GrpcAddress { get; }

    /// <summary>The HTTP/1.1 endpoint: <c>/health</c> and <c>/alive</c>.</summary>
    public Uri HttpAddress { get; }

    /// <summary>One channel for the test's calls; it reconnects by itself when the process comes back.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>The process's recent console output, for a failing test's message.</summary>
    public string RecentLog => string.Join(Environment.NewLine, _log);

    public bool HasExited => _process is null || _process.HasExited;

    public async Task StartAsync()
    {
        var assembly = PmsGrpcAssembly();
        // The test folder on the command line lets its watchdog (TestFolders) kill this process if the test host dies.
        var start = new ProcessStartInfo("dotnet", [assembly, $"--Pms:TestFolder={_settings.TestFolder}"])
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var environment = start.Environment;
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["ConnectionStrings__pmsdb"] = _settings.ConnectionString;
        environment["ConnectionStrings__mail"] = _settings.MailConnectionString;
        environment["Kestrel__Endpoints__grpc__Url"] = GrpcAddress.ToString();
        environment["Kestrel__Endpoints__http__Url"] = HttpAddress.ToString();
        environment["Pms__BootstrapAdmin__Username"] = AdminUsername;
        environment["Pms__BootstrapAdmin__Password"] = _settings.AdminPassword;
        environment["Pms__Jwt__SigningKey"] = _settings.JwtKey;
        environment["Pms__KeyEncryption__MasterKey"] = _settings.MasterKey;
        environment["Pms__ShutdownTimeout"] = ShutdownTimeout.ToString("c");
        // A replica killed holding claimed mail hands it over after this lease.
        environment["Pms__Mail__ClaimLease"] = "00:00:05";
        environment["Pms__Mail__RetryDelay"] = "00:00:01";
        environment["Pms__FtmChipWatch__MaxReconnectDelay"] = "00:00:02";
        // The trust store's version check would hide a LISTEN connection that never came back: only notifications count here.
        environment["Pms__TrustStore__ConsistencyCheckInterval"] = "00:10:00";
        environment["Logging__LogLevel__Default"] = "Warning";
        environment["Logging__LogLevel__Pms"] = "Information";
        environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        // The load runs from loopback alone: per-address limits would refuse most of it and the faults would meet little.
        foreach (var (name, value) in LiftedRateLimits.EnvironmentVariables)
        {
            environment[name] = value;
        }

        _log.Clear();
        _process = Process.Start(start) ?? throw new InvalidOperationException("Pms.Grpc did not start.");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilServingAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary>SIGKILL, as a crash or the OOM killer would: nothing is shut down cleanly.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, as an orchestrator stops a pod; returns how long the process took to exit.</summary>
    public async Task<TimeSpan> TerminateAsync()
    {
        var process = _process ?? throw new InvalidOperationException("Not started.");
        var stopwatch = Stopwatch.StartNew();
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])))
        {
            await kill!.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(ShutdownTimeout + TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(timeout.Token);
        return stopwatch.Elapsed;
    }

    public int ExitCode => _process?.ExitCode ?? -1;

    public async Task<Metadata> AdminAuthAsync()
    {
        var login = await new PartnerService.PartnerServiceClient(Channel).LoginAsync(
            new LoginRequest { Username = AdminUsername, Password = _settings.AdminPassword }, deadline: DateTime.UtcNow.AddSeconds(30));
        return new Metadata { { "authorization", $"Bearer {login.AccessToken}" } };
    }

    private async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        var client = new PartnerService.PartnerServiceClient(Channel);
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"Pms.Grpc exited with code {_process.ExitCode} while starting:\n{RecentLog}");
            }
            try
            {
                await client.GetTermsAndConditionsAsync(new GetTermsAndConditionsRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
                return;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
            {
                return; // answering, with its own rules
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                if (stopwatch.Elapsed > timeout)
                {
                    throw new InvalidOperationException($"Pms.Grpc did not answer within {timeout}; its output:\n{RecentLog}", ex);
                }
                await Task.Delay(200);
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        _log.Enqueue(line);
        while (_log.Count > 300 && _log.TryDequeue(out _))
        {
        }
    }

    // Pms.Grpc/bin/<configuration>/net10.0/Pms.Grpc.dll, the configuration being this test assembly's.
    private static string PmsGrpcAssembly()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        for (var directory = output; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Pms.sln")))
            {
                var assembly = Path.Combine(directory.FullName, "Pms.Grpc", "bin", configuration, framework, "Pms.Grpc.dll");
                return File.Exists(assembly) ? assembly : throw new InvalidOperationException($"{assembly} is missing: build Pms.sln first.");
            }
        }
        throw new InvalidOperationException($"No Pms.sln above {AppContext.BaseDirectory}.");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Channel.Dispose();
    }
}
