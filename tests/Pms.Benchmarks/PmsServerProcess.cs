using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Net.Client;
using Mosip.Pms.V1;
using Pms.Testing;

namespace Pms.Benchmarks;

/// <summary>
/// Pms.Grpc as operators run it: its own process (the Release build), Kestrel listening on free loopback ports,
/// configured from the environment, against a throw-away PostgreSQL database.
/// </summary>
public sealed class PmsServerProcess : IAsyncDisposable
{
    public const string AdminUsername = "admin";

    private readonly Process _process;

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log;

    private PmsServerProcess(Process process, Uri grpcAddress, string adminPassword, System.Collections.Concurrent.ConcurrentQueue<string> log)
    {
        _process = process;
        _log = log;
        GrpcAddress = grpcAddress;
        AdminPassword = adminPassword;
    }

    public Uri GrpcAddress { get; }

    public string AdminPassword { get; }

    /// <summary>The server's last output lines (warnings and errors: it logs at Warning).</summary>
    public IReadOnlyList<string> RecentLog => [.. _log];

    /// <summary>CPU time the server process has used so far.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<PmsServerProcess> StartAsync(string repositoryRoot, bool build, TimeSpan startTimeout, int? maxPoolSize = null)
    {
        var project = Path.Combine(repositoryRoot, "Pms.Grpc", "Pms.Grpc.csproj");
        if (build)
        {
            Console.WriteLine("Building Pms.Grpc (Release) ...");
            await RunToEndAsync("dotnet", ["build", project, "-c", "Release", "-nologo", "-v", "q"]);
        }

        var assembly = Path.Combine(repositoryRoot, "Pms.Grpc", "bin", "Release", "net10.0", "Pms.Grpc.dll");
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException($"{assembly} does not exist: build Pms.Grpc in Release first, or drop --no-build.");
        }

        Console.WriteLine("Starting PostgreSQL and Pms.Grpc ...");
        var postgres = await PostgresServer.GetSharedAsync();
        var connectionString = await postgres.CreateDatabaseAsync("benchmark");
        if (maxPoolSize is { } size)
        {
            connectionString += $";Maximum Pool Size={size}";
        }
        var grpcPort = FreePort();
        var adminPassword = "Bench-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var environment = start.Environment;
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["ConnectionStrings__pmsdb"] = connectionString;
        environment["ConnectionStrings__mail"] = "Endpoint=smtp://127.0.0.1:1";
        environment["Kestrel__Endpoints__grpc__Url"] = $"http://127.0.0.1:{grpcPort}";
        environment["Kestrel__Endpoints__http__Url"] = $"http://127.0.0.1:{FreePort()}";
        environment["Pms__BootstrapAdmin__Username"] = AdminUsername;
        environment["Pms__BootstrapAdmin__Password"] = adminPassword;
        environment["Pms__Jwt__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        environment["Pms__Jwt__AccessTokenLifetime"] = "02:00:00";
        environment["Pms__KeyEncryption__MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        environment["Logging__LogLevel__Default"] = "Warning";
        environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");

        var process = Process.Start(start) ?? throw new InvalidOperationException("Pms.Grpc did not start.");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => Keep(log, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new PmsServerProcess(process, new Uri($"http://127.0.0.1:{grpcPort}"), adminPassword, log);
        try
        {
            await server.WaitUntilServingAsync(startTimeout);
        }
        catch
        {
            Console.Error.WriteLine(string.Join(Environment.NewLine, log));
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        using var channel = GrpcChannel.ForAddress(GrpcAddress);
        var client = new PartnerService.PartnerServiceClient(channel);
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Pms.Grpc exited with code {_process.ExitCode} while starting.");
            }

            try
            {
                await client.LoginAsync(new LoginRequest { Username = AdminUsername, Password = AdminPassword },
                    deadline: DateTime.UtcNow.AddSeconds(5));
                return;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && stopwatch.Elapsed < timeout)
            {
                await Task.Delay(250);
            }
        }
    }

    private static void Keep(System.Collections.Concurrent.ConcurrentQueue<string> log, string? line)
    {
        if (line is null)
        {
            return;
        }

        log.Enqueue(line);
        while (log.Count > 2000 && log.TryDequeue(out _))
        {
        }
    }

    private static async Task RunToEndAsync(string program, IEnumerable<string> arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { UseShellExecute = false })
            ?? throw new InvalidOperationException($"{program} did not start.");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}.");
        }
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
