using System.Diagnostics;
using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit.Abstractions;

namespace Pms.EndToEndTests;

/// <summary>
/// What the dashboard shows when PostgreSQL stops under a running system: pms-grpc turns Unhealthy (its
/// /health answers 503 naming the database), and healthy again once PostgreSQL is back, with no restart.
/// An AppHost of its own: stopping the shared one's database would disturb every other test.
/// </summary>
[Collection("AppHost modes")]
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task WithPostgresStoppedTheDashboardShowsPmsGrpcUnhealthyUntilItReturns()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"pms-e2e-outage-{Guid.NewGuid():N}");
        var postgresData = Path.Combine(dataDirectory, "postgres");
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Pms_AppHost>(
            [
                "--Pms:Postgres:Mode=local",
                $"--Pms:Postgres:DataDirectory={postgresData}",
                $"--Parameters:admin-password={PmsSystemFixture.AdminPassword}",
                $"--Parameters:postgres-password=outage-{Guid.NewGuid():N}",
                $"--Parameters:jwt-signing-key=outage-jwt-{Guid.NewGuid():N}{Guid.NewGuid():N}",
                $"--Parameters:key-encryption-key=outage-kek-{Guid.NewGuid():N}{Guid.NewGuid():N}",
                "--DcpPublisher:RandomizePorts=true",
            ]);
            await using var app = await builder.BuildAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
            await app.StartAsync(timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("pms-grpc", timeout.Token);

            // Stopped the way an operator would, behind Aspire's back.
            await PgCtlStopAsync(postgresData);
            var clock = Stopwatch.StartNew();
            await app.ResourceNotifications.WaitForResourceAsync("pms-grpc",
                e => e.Snapshot.HealthStatus == HealthStatus.Unhealthy, timeout.Token);
            output.WriteLine($"pms-grpc Unhealthy in the app model {clock.ElapsedMilliseconds} ms after PostgreSQL stopped");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"pms-grpc turned Unhealthy only after {clock.Elapsed}");

            using var http = app.CreateHttpClient("pms-grpc", "http");
            using (var health = await http.GetAsync("/health", timeout.Token))
            {
                var body = await health.Content.ReadAsStringAsync(timeout.Token);
                output.WriteLine(body);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
                Assert.Contains("\"name\":\"postgres\",\"status\":\"Unhealthy\"", body);
            }

            var command = await app.ResourceCommands.ExecuteCommandAsync("postgres", KnownResourceCommands.StartCommand, timeout.Token);
            Assert.True(command.Success, command.Message);
            clock.Restart();
            await app.ResourceNotifications.WaitForResourceHealthyAsync("pms-grpc", timeout.Token);
            output.WriteLine($"pms-grpc Healthy again {clock.ElapsedMilliseconds} ms after the start command");
        }
        finally
        {
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private static async Task PgCtlStopAsync(string data)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pg_ctl"))
            .Where(File.Exists).OrderDescending(StringComparer.Ordinal).First();
        var start = Environment.UserName == "root"
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", bin, "-D", data, "-m", "fast", "-w", "stop"])
            : new ProcessStartInfo(bin, ["-D", data, "-m", "fast", "-w", "stop"]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"pg_ctl stop failed: {await stderr}");
    }
}
