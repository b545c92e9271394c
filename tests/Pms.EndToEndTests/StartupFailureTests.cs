namespace Pms.EndToEndTests;

/// <summary>
/// A dependency that fails while the AppHost starts must not leave the user waiting at a silent console: the AppHost
/// names the resource, shows its last log lines, says what to do and exits with code 1.
/// </summary>
[Collection("AppHost modes")]
public sealed class StartupFailureTests : IDisposable
{
    // Far above what a failing start needs (seconds), far below "hangs for ever".
    private static readonly TimeSpan ExitBound = TimeSpan.FromMinutes(3);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"pms-e2e-failure-{Guid.NewGuid():N}");

    [Fact]
    public async Task WhenPostgresInitFailsTheAppHostSaysWhatFailedAndWhatToDoThenExitsWithCode1()
    {
        const string missingBinaries = "/nonexistent-pms-postgres/bin";
        using var appHost = AppHostProcess.Start([.. Arguments(), $"--Pms:Postgres:BinDirectory={missingBinaries}"]);

        var exitCode = await appHost.WaitForExitAsync(ExitBound);

        var console = appHost.Output;
        Assert.True(exitCode is not null, $"The AppHost still runs {ExitBound} after its start. Console:\n{console}");
        Assert.Equal(1, exitCode);
        Assert.Contains("Resource 'postgres-init' exited with code", console);
        Assert.Contains("pms-grpc, pms-web cannot start without it", console);
        // The resource's own log, where initdb is reported missing from where the setting points.
        var logLines = console.IndexOf("log lines of 'postgres-init':", StringComparison.Ordinal);
        Assert.True(logLines >= 0, console);
        Assert.Contains($"{missingBinaries}/initdb", console[logLines..]);
        Assert.Contains("What to do: ", console);
        Assert.Contains("Pms:Postgres:BinDirectory", console);
        Assert.Contains("The AppHost stops with exit code 1.", console);
        // The watcher stopped the start on purpose: no "Hosting failed to start" stack trace buries the message.
        Assert.DoesNotContain("Hosting failed to start", console);
    }

    [Fact]
    public async Task WhenAResourceIsNotUpWithinTheStartupTimeoutTheAppHostNamesItAndTheSettingThenExitsWithCode1()
    {
        using var appHost = AppHostProcess.Start([.. Arguments(), "--Pms:Startup:Timeout=00:00:01"]);

        var exitCode = await appHost.WaitForExitAsync(ExitBound);

        var console = appHost.Output;
        Assert.True(exitCode is not null, $"The AppHost still runs {ExitBound} after its start. Console:\n{console}");
        Assert.Equal(1, exitCode);
        Assert.Matches(@"Resource '[a-z-]+' (is not healthy|has not finished) 1 s after it started", console);
        Assert.Contains("What to do: ", console);
        Assert.Contains("allow more time with --Pms:Startup:Timeout=", console);
    }

    private string[] Arguments() =>
    [
        "--Pms:Postgres:Mode=local",
        $"--Pms:Postgres:DataDirectory={Path.Combine(_dataDirectory, "postgres")}",
        // Given, so that the AppHost does not generate and persist secrets in the user's secret store.
        $"--Parameters:admin-password={PmsSystemFixture.AdminPassword}",
        $"--Parameters:postgres-password=failure-{Guid.NewGuid():N}",
        $"--Parameters:jwt-signing-key=failure-jwt-{Guid.NewGuid():N}{Guid.NewGuid():N}",
        $"--Parameters:key-encryption-key=failure-kek-{Guid.NewGuid():N}{Guid.NewGuid():N}",
        "--DcpPublisher:RandomizePorts=true",
    ];

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
