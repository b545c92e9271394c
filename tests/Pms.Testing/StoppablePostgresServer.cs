using System.Diagnostics;

namespace Pms.Testing;

/// <summary>
/// A PostgreSQL server of one test's own (never the shared one), which the test may stop and start again on
/// the same port and data folder, to see how PMS behaves while its database is away and after it returns.
/// Driven by <c>pg_ctl</c>, as an operator would.
/// </summary>
public sealed class StoppablePostgresServer : IAsyncDisposable
{
    private readonly string _bin;
    private readonly bool _asRoot;
    private readonly string _data;
    private readonly int _port;
    private readonly Process _watchdog;

    private StoppablePostgresServer(string bin, bool asRoot, string data, int port, Process watchdog)
    {
        _bin = bin;
        _asRoot = asRoot;
        _data = data;
        _port = port;
        _watchdog = watchdog;
    }

    public string AdminConnectionString => PostgresServer.AdminConnectionString(_port);

    public static async Task<StoppablePostgresServer> StartAsync()
    {
        var bin = PostgresServer.RequireBinaries();
        var asRoot = Environment.UserName == "root";
        var data = await PostgresServer.InitDataDirectoryAsync(bin, asRoot);
        var port = PostgresServer.FreePort();

        // pg_ctl detaches the server from this process: if the test host is killed, this watchdog still
        // stops the server and removes its data folder.
        var (pgCtl, stopArgs) = PostgresServer.AsPostgresUser(asRoot, Path.Combine(bin, "pg_ctl"), $"-D {data} -m immediate stop");
        var watchdog = Process.Start(new ProcessStartInfo("bash",
        [
            "-c",
            $"while kill -0 {Environment.ProcessId} 2>/dev/null && [ ! -e {data}.done ]; do sleep 1; done; " +
            $"{pgCtl} {stopArgs} >/dev/null 2>&1; rm -rf {data} {data}.done",
        ])) ?? throw new InvalidOperationException("bash did not start.");

        var server = new StoppablePostgresServer(bin, asRoot, data, port, watchdog);
        await server.StartAgainAsync();
        return server;
    }

    public Task<string> CreateDatabaseAsync(string prefix) => PostgresServer.CreateDatabaseAsync(AdminConnectionString, prefix);

    /// <summary>Fast shutdown: PostgreSQL ends every session and stops listening; returns once it is down.</summary>
    public Task StopAsync() => PgCtlAsync("-m fast -w stop");

    /// <summary>Starts the server again on the same port and data; returns once it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        await PgCtlAsync($"-l {_data}/server.log -o \"{PostgresServer.ServerOptions(_port)}\" -w start");
        await PostgresServer.WaitUntilAcceptingAsync(AdminConnectionString, () => false);
    }

    private Task PgCtlAsync(string arguments)
    {
        var (program, args) = PostgresServer.AsPostgresUser(_asRoot, Path.Combine(_bin, "pg_ctl"), $"-D {_data} {arguments}");
        return PostgresServer.RunAsync(program, args);
    }

    public async ValueTask DisposeAsync()
    {
        // The watchdog sees the marker, stops the server and removes the data folder.
        await File.WriteAllTextAsync($"{_data}.done", "");
        await _watchdog.WaitForExitAsync();
        _watchdog.Dispose();
    }
}
