using System.Text.RegularExpressions;

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
        Assert.True(exitCode == 1, $"The AppHost exited with {exitCode}, not 1. Console:\n{console}");
        Says(console, "Resource 'postgres-init' exited with code");
        Says(console, "pms-grpc, pms-web cannot start without it");
        // PostgreSQL itself is refused its start because postgres-init failed: the cause is named, not the consequence.
        Assert.False(console.Contains("Resource 'postgres' ", StringComparison.Ordinal), console);
        // The resource's own log, where initdb is reported missing from where the setting points.
        var logLines = console.IndexOf("log lines of 'postgres-init':", StringComparison.Ordinal);
        Assert.True(logLines >= 0, console);
        Says(console[logLines..], $"{missingBinaries}/initdb");
        Says(console, "What to do: ");
        Says(console, "Pms:Postgres:BinDirectory");
        Says(console, "The AppHost stops with exit code 1.");
        // The watcher stopped the start on purpose: no "Hosting failed to start" stack trace buries the message.
        Assert.False(console.Contains("Hosting failed to start", StringComparison.Ordinal), console);
    }

    [Fact]
    public async Task WhenAResourceIsNotUpWithinTheStartupTimeoutTheAppHostNamesItAndTheSettingThenExitsWithCode1()
    {
        using var appHost = AppHostProcess.Start([.. Arguments(), "--Pms:Startup:Timeout=00:00:01"]);

        var exitCode = await appHost.WaitForExitAsync(ExitBound);

        var console = appHost.Output;
        Assert.True(exitCode is not null, $"The AppHost still runs {ExitBound} after its start. Console:\n{console}");
        Assert.True(exitCode == 1, $"The AppHost exited with {exitCode}, not 1. Console:\n{console}");
        Assert.True(Regex.IsMatch(console, @"Resource '[a-z-]+' (is not healthy|has not finished) 1 s after it started"), console);
        Says(console, "What to do: ");
        Says(console, "allow more time with --Pms:Startup:Timeout=");
    }

    // The whole console in the failure message: xUnit's Assert.Contains shows only the start of a long string.
    private static void Says(string console, string expected) =>
        Assert.True(console.Contains(expected, StringComparison.Ordinal), $"The console does not say \"{expected}\". Console:\n{console}");

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
