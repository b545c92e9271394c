using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Grpc.Net.Client;
using Mosip.Pms.V1;
using Pms.Testing;

namespace Pms.EndToEndTests;

/// <summary>How the AppHost chooses and keeps its database. Each test starts its own AppHost.</summary>
[Collection("AppHost modes")]
public sealed class AppHostModeTests
{
    [Fact]
    public async Task ContainerModeWithoutAContainerRuntimeFailsAtOnceNamingTheLocalMode()
    {
        if (ContainerRuntimeAnswers())
        {
            return; // this machine has a container engine: container mode would simply work here
        }

        var started = DateTime.UtcNow;
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Pms_AppHost>(["--Pms:Postgres:Mode=container"]);
            await using var app = await builder.BuildAsync();
        });

        var message = Flatten(ex);
        Assert.Contains("container runtime", message);
        Assert.Contains("Pms:Postgres:Mode=local", message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(60), "container mode must fail fast, not hang");
    }

    [Fact]
    public async Task DataSurvivesARestartOfTheAppHost()
    {
        var dataDirectory = TestFolders.Create("pms-e2e-restart");
        try
        {
            string firstSessionUser;
            await using (var first = await StartAsync(dataDirectory))
            {
                using var channel = GrpcChannel.ForAddress(first.GetEndpoint("pms-grpc", "grpc"));
                var login = await new PartnerService.PartnerServiceClient(channel).LoginAsync(
                    new LoginRequest { Username = "admin", Password = PmsSystemFixture.AdminPassword }, deadline: DateTime.UtcNow.AddSeconds(30));
                firstSessionUser = login.UserId;
                await first.StopAsync();
            }

            await using var second = await StartAsync(dataDirectory);
            using var secondChannel = GrpcChannel.ForAddress(second.GetEndpoint("pms-grpc", "grpc"));
            var again = await new PartnerService.PartnerServiceClient(secondChannel).LoginAsync(
                new LoginRequest { Username = "admin", Password = PmsSystemFixture.AdminPassword }, deadline: DateTime.UtcNow.AddSeconds(30));

            // The same admin row (not a new one created at start), and the first run's sign-in is in the audit trail.
            Assert.Equal(firstSessionUser, again.UserId);
            var events = await new AuditService.AuditServiceClient(secondChannel).ListAuditEventsAsync(
                new ListAuditEventsRequest { Action = "LOGIN", PageSize = 10 }, PmsSystemFixture.Bearer(again.AccessToken),
                deadline: DateTime.UtcNow.AddSeconds(30));
            Assert.True(events.TotalSize >= 2, $"expected the sign-ins of both runs, found {events.TotalSize}");
        }
        finally
        {
            TestFolders.Delete(dataDirectory);
        }
    }

    private static async Task<DistributedApplication> StartAsync(string dataDirectory)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Pms_AppHost>(
        [
            "--Pms:Postgres:Mode=local",
            $"--Pms:Postgres:DataDirectory={Path.Combine(dataDirectory, "postgres")}",
            $"--Parameters:admin-password={PmsSystemFixture.AdminPassword}",
            "--Parameters:postgres-password=restart-test-postgres-password",
            "--Parameters:jwt-signing-key=restart-test-jwt-signing-key-0123456789abcdef0123456789",
            "--Parameters:key-encryption-key=restart-test-key-encryption-key-0123456789abcdef",
            "--DcpPublisher:RandomizePorts=true",
        ]);
        var app = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await app.StartAsync(timeout.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("pms-grpc", timeout.Token);
        return app;
    }

    private static string Flatten(Exception ex)
    {
        var messages = new List<string>();
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }
        return string.Join(" | ", messages);
    }

    private static bool ContainerRuntimeAnswers()
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("docker", "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null || !process.WaitForExit(10_000))
            {
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
