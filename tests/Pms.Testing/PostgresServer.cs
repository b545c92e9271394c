using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Pms.Testing;

/// <summary>
/// One real PostgreSQL server for a test run: taken from <c>ConnectionStrings__pmsdb</c> when set (its
/// database is only used as the way in), else started from this machine's binaries in a throw-away data
/// folder on a free port. Test classes each get a database of their own from <see cref="CreateDatabaseAsync"/>.
/// The server is stopped with <c>pg_ctl -m fast</c> and its folder removed on dispose, at process exit, or by
/// <see cref="TestFolders"/>' watchdog when the test host is killed.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string Password = "pms-tests-only";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PostgresServer? _shared;

    private readonly string? _folder;
    private readonly string? _bin;
    private readonly int _port;
    private readonly string _adminConnectionString;
    private readonly bool _durableCommits;
    private Process? _process;

    private PostgresServer(string adminConnectionString, string? folder, string? bin, int port, bool durableCommits = false)
    {
        _durableCommits = durableCommits;
        _adminConnectionString = adminConnectionString;
        _folder = folder;
        _bin = bin;
        _port = port;
    }

    /// <summary>The server shared by every test in this process; stopped when the process exits.</summary>
    public static async Task<PostgresServer> GetSharedAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_shared is null)
            {
                var external = Environment.GetEnvironmentVariable("ConnectionStrings__pmsdb");
                _shared = !string.IsNullOrWhiteSpace(external) ? new PostgresServer(external, null, null, 0) : await StartOwnAsync();
                var shared = _shared;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => shared.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            return _shared;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// A server of the caller's own, always from this machine's binaries (never the external one), for tests that
    /// kill and restart it. The caller disposes it. With <paramref name="durableCommits"/> a commit is acknowledged
    /// only once its WAL is written (synchronous_commit=on, as in production), so it survives a SIGKILL of the server;
    /// without, the last ~200 ms of acknowledged commits die with it.
    /// </summary>
    public static async Task<PostgresServer> StartOwnAsync(bool durableCommits = false)
    {
        var bin = TestFolders.PostgresBinaries() ?? throw new InvalidOperationException(
            "Integration tests need PostgreSQL: install its server binaries (Debian: apt-get install postgresql) " +
            "or set ConnectionStrings__pmsdb to a server where the user may create databases.");
        var folder = TestFolders.Create("pms-test-pg");
        var data = Path.Combine(folder, "data");
        var passwordFile = Path.Combine(folder, "password");
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(passwordFile, Password);
        if (AsRoot)
        {
            await RunAsync("chown", $"postgres:postgres {data} {passwordFile}");
        }
        await RunAsync(AsPostgresUser(Path.Combine(bin, "initdb")),
            $"-D {data} -U postgres -A scram-sha-256 --pwfile={passwordFile} -E UTF8 --no-locale");
        File.Delete(passwordFile);

        var port = FreePort();
        var connectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Password={Password};Database=postgres;Timeout=5";
        var server = new PostgresServer(connectionString, folder, bin, port, durableCommits);
        await server.StartAsync();
        return server;
    }

    /// <summary>The port the server listens on (the same after a restart).</summary>
    public int Port => _port;

    /// <summary>The address of the server's <c>postgres</c> database, as its superuser.</summary>
    public string AdminConnectionString => _adminConnectionString;

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{new string(prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(24).ToArray())}_{Guid.NewGuid():N}";
        // Unpooled: a pooled connection may be from before a kill and restart of the server.
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_adminConnectionString) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>
    /// Starts the server (again, after <see cref="KillAsync"/>) on its port and waits until it accepts connections;
    /// a restart after a kill runs PostgreSQL's crash recovery.
    /// </summary>
    public async Task StartAsync()
    {
        var data = DataDirectory;
        // The server's output goes to a file in its folder: a pipe to this process would break when it exits.
        var command = $"exec {AsPostgresUser(Path.Combine(_bin!, "postgres"))} -D {data} -p {_port} " +
            "-c listen_addresses=127.0.0.1 -c unix_socket_directories= " +
            // fsync=off only risks data on an OS crash; synchronous_commit=off loses acknowledged commits on a server kill.
            $"-c fsync=off -c synchronous_commit={(_durableCommits ? "on" : "off")} -c full_page_writes=off -c max_connections=300 " +
            $">> {Path.Combine(_folder!, "server.log")} 2>&1 < /dev/null";
        _process?.Dispose();
        _process = Process.Start(new ProcessStartInfo("bash", ["-c", command])) ?? throw new InvalidOperationException("postgres did not start.");

        // Asked over a new, unpooled connection with a real query: a pooled one would hand back the idle connection of the
        // previous wait, which "opens" at once without touching the network, and the server would be reported up while it
        // was still refusing connections or starting up (the cause of the intermittent unprobed-restart test).
        var probe = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Pooling = false }.ConnectionString;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(probe);
                await connection.OpenAsync();
                await using var ready = new NpgsqlCommand("SELECT 1", connection);
                await ready.ExecuteScalarAsync();
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (NpgsqlException ex)
            {
                throw new InvalidOperationException($"PostgreSQL did not start; its log:\n{ReadLog()}", ex);
            }
        }
    }

    /// <summary>Kills the server and all its processes with SIGKILL, as a crash or the OOM killer would.</summary>
    public async Task KillAsync()
    {
        // The postmaster (read from postmaster.pid) and its backends, in one SIGKILL; then the runuser in front of it exits.
        var postmaster = PostmasterProcessId();
        if (postmaster is not null)
        {
            var pids = ChildrenOf(postmaster.Value).Prepend(postmaster.Value).Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-KILL", .. pids]) { RedirectStandardError = true })!;
            await kill.WaitForExitAsync();
        }
        if (_process is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        // A new server cannot start while the old postmaster holds its shared memory: wait until it is reaped.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (postmaster is not null && DateTime.UtcNow < deadline && Directory.Exists($"/proc/{postmaster}"))
        {
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Stops the server as an operator would (<c>pg_ctl -m fast</c>: open sessions are ended, the port closes) and keeps
    /// its data, so that <see cref="StartAsync"/> brings it back on the same port.
    /// </summary>
    public async Task StopAsync()
    {
        await RunAsync(AsPostgresUser(Path.Combine(_bin!, "pg_ctl")), $"-D {DataDirectory} -m fast -w -t 20 stop");
        if (_process is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
    }

    private static IEnumerable<int> ChildrenOf(int parent)
    {
        var children = new List<int>();
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                // /proc/<pid>/stat: "pid (name) state ppid ..."; the name may hold spaces, so read after the last ')'.
                var stat = File.ReadAllText(Path.Combine(proc, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.TryParse(fields[1], out var ppid) && ppid == parent && int.TryParse(Path.GetFileName(proc), out var pid))
                {
                    children.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
        return children;
    }

    private string DataDirectory => Path.Combine(_folder ?? throw new InvalidOperationException("An external server cannot be started or killed."), "data");

    private int? PostmasterProcessId()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        try
        {
            return File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private string ReadLog()
    {
        try
        {
            return File.ReadAllText(Path.Combine(_folder!, "server.log"));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    private static bool AsRoot => Environment.UserName == "root";

    // PostgreSQL refuses to run as root.
    private static string AsPostgresUser(string program) => AsRoot ? $"runuser -u postgres -- {program}" : program;

    private static async Task RunAsync(string commandLine, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", $"{commandLine} {arguments}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{commandLine} {arguments} failed: {await stderr}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the server (fast shutdown: open sessions are ended) and removes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_folder is null)
        {
            return;
        }
        if (_process is { HasExited: false })
        {
            try
            {
                await RunAsync(AsPostgresUser(Path.Combine(_bin!, "pg_ctl")), $"-D {DataDirectory} -m fast -w -t 20 stop");
            }
            catch (InvalidOperationException)
            {
                await KillAsync();
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process?.Dispose();
        TestFolders.Delete(_folder);
    }
}
