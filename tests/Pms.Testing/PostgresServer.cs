using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Pms.Testing;

/// <summary>
/// One real PostgreSQL server for a test run: taken from <c>ConnectionStrings__pmsdb</c> when set (its
/// database is only used as the way in), else started from this machine's binaries in a throw-away data
/// folder on a free port. Test classes each get a database of their own from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PostgresServer? _shared;

    private readonly string? _dataDirectory;
    private readonly Process? _process;
    private readonly string _adminConnectionString;

    private PostgresServer(string adminConnectionString, string? dataDirectory, Process? process)
    {
        _adminConnectionString = adminConnectionString;
        _dataDirectory = dataDirectory;
        _process = process;
    }

    /// <summary>The server shared by every test in this process; stopped when the process exits.</summary>
    public static async Task<PostgresServer> GetSharedAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_shared is null)
            {
                _shared = await StartAsync();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => _shared.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            return _shared;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public Task<string> CreateDatabaseAsync(string prefix) => CreateDatabaseAsync(_adminConnectionString, prefix);

    internal static async Task<string> CreateDatabaseAsync(string adminConnectionString, string prefix)
    {
        var name = $"{new string(prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(24).ToArray())}_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable("ConnectionStrings__pmsdb");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresServer(external, null, null);
        }

        var bin = RequireBinaries();
        var asRoot = Environment.UserName == "root";
        var data = await InitDataDirectoryAsync(bin, asRoot);

        var port = FreePort();
        var (postgres, postgresArgs) = AsPostgresUser(asRoot, Path.Combine(bin, "postgres"), $"-D {data} {ServerOptions(port)}");
        // A test host can be killed without running its exit handlers; this watchdog stops the server
        // (fast shutdown) and removes its data folder as soon as the test process is gone.
        var watchdog = $"{postgres} {postgresArgs} & server=$!; " +
            $"while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done; " +
            $"kill -INT $server 2>/dev/null; wait $server; rm -rf {data}";
        var process = Process.Start(new ProcessStartInfo("bash", ["-c", watchdog])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("postgres did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var connectionString = AdminConnectionString(port);
        await WaitUntilAcceptingAsync(connectionString, () => process.HasExited);
        return new PostgresServer(connectionString, data, process);
    }

    internal const string Password = "pms-tests-only";

    internal static string AdminConnectionString(int port) =>
        $"Host=127.0.0.1;Port={port};Username=postgres;Password={Password};Database=postgres;Timeout=5";

    internal static string ServerOptions(int port) =>
        $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= " +
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300";

    internal static string RequireBinaries() => FindBinaries() ?? throw new InvalidOperationException(
        "Integration tests need PostgreSQL: install its server binaries (Debian: apt-get install postgresql) " +
        "or set ConnectionStrings__pmsdb to a server where the user may create databases.");

    /// <summary>Runs <c>initdb</c> into a new throw-away folder (owned by postgres when running as root).</summary>
    internal static async Task<string> InitDataDirectoryAsync(string bin, bool asRoot)
    {
        var data = Path.Combine(Path.GetTempPath(), $"pms-test-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(data);
        var passwordFile = Path.Combine(data, "..", $"{Path.GetFileName(data)}.pw");
        await File.WriteAllTextAsync(passwordFile, Password);
        if (asRoot)
        {
            await RunAsync("chown", $"postgres:postgres {data} {passwordFile}");
        }

        var (initdb, initdbArgs) = AsPostgresUser(asRoot, Path.Combine(bin, "initdb"),
            $"-D {data} -U postgres -A scram-sha-256 --pwfile={passwordFile} -E UTF8 --no-locale");
        await RunAsync(initdb, initdbArgs);
        File.Delete(passwordFile);
        return data;
    }

    internal static async Task WaitUntilAcceptingAsync(string connectionString, Func<bool> gaveUp)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && !gaveUp())
            {
                await Task.Delay(200);
            }
        }
    }

    // PostgreSQL refuses to run as root.
    internal static (string Program, string Arguments) AsPostgresUser(bool asRoot, string program, string arguments) =>
        asRoot ? ("runuser", $"-u postgres -- {program} {arguments}") : (program, arguments);

    internal static async Task RunAsync(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments} failed: {await stderr}");
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        return Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        if (_dataDirectory is not null && Directory.Exists(_dataDirectory))
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
