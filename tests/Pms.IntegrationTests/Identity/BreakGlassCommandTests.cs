using System.Diagnostics;
using System.Text;
using Grpc.Core;
using Mosip.Pms.V1;
using Pms.Grpc.Identity;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.Identity;

/// <summary>PMS over a real socket, for tests that run a second PMS process against its database.</summary>
public sealed class SocketPmsFactory : PmsFactory
{
    protected override bool OverSockets => true;
}

/// <summary>
/// The break-glass command as an operator runs it: the built Pms.Grpc as its own process, with the service's
/// configuration in environment variables, against the database a running PMS uses; then sign-in over gRPC.
/// </summary>
public sealed class BreakGlassCommandTests(SocketPmsFactory pms) : IClassFixture<SocketPmsFactory>
{
    private const string OldPassword = "Old-Admin-Password-1";
    private const string NewPassword = "New-Admin-Password-2";

    [Fact]
    public async Task TheCommandSetsTheAdminPasswordAndTheRunningServiceAcceptsItAndRefusesTheOldSession()
    {
        var username = await pms.CreateUserAsync(OldPassword, Roles.PartnerAdmin);
        var before = await pms.LoginAsync(username, OldPassword);

        var run = await RunBreakGlassAsync(username, NewPassword);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"The password of '{username}' is set", run.Output);
        var after = await pms.LoginAsync(username, NewPassword);
        Assert.Equal([Roles.PartnerAdmin], after.Roles);
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_CREDENTIALS", () => pms.LoginAsync(username, OldPassword));
        // The command ended the sessions through pms_sessions: the running service refuses the old access token.
        await WaitUntilRefusedAsync(before.AccessToken);
    }

    [Fact]
    public async Task TheCommandRefusesAUserWhoIsNotAnAdminWithExitCodeTwoAndChangesNothing()
    {
        var username = await pms.CreateUserAsync(OldPassword, Roles.Service);

        var run = await RunBreakGlassAsync(username, NewPassword);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("Not changed", run.Output);
        await pms.LoginAsync(username, OldPassword);
    }

    private async Task WaitUntilRefusedAsync(string accessToken)
    {
        var audit = new AuditService.AuditServiceClient(pms.Channel);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await audit.ListAuditEventsAsync(new ListAuditEventsRequest(), PmsFactory.Bearer(accessToken));
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated)
            {
                return;
            }
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "The old access token still works 30 s after the break-glass command.");
            await Task.Delay(100);
        }
    }

    private sealed record Run(int ExitCode, string Output)
    {
        public override string ToString() => $"exit code {ExitCode}; the command's output:\n{Output}";
    }

    private async Task<Run> RunBreakGlassAsync(string username, string password)
    {
        // The Pms.Grpc this test project was built with, run as `dotnet Pms.Grpc.dll`, as `dotnet run --project Pms.Grpc` does.
        var directory = AppContext.BaseDirectory;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [Path.Combine(directory, "Pms.Grpc.dll"), "admin", "reset-password", "--username", username])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["ConnectionStrings__pmsdb"] = pms.ConnectionString;
        start.Environment["ConnectionStrings__mail"] = "Endpoint=smtp://127.0.0.1:1";
        start.Environment["Pms__Jwt__SigningKey"] = PmsFactory.JwtSigningKey;
        start.Environment["Pms__KeyEncryption__MasterKey"] = PmsFactory.MasterKey;
        start.Environment[Pms.Grpc.Infrastructure.BreakGlass.PasswordVariable] = password;
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.StandardInput.Close();
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"The break-glass command did not end within 5 minutes; its output:\n{await stdout}\n{await stderr}");
        }
        output.Append(await stdout).Append(await stderr);
        return new Run(process.ExitCode, output.ToString());
    }
}
