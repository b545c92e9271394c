using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pms.Grpc.Data;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.Startup;

/// <summary>
/// A replica with more calls than pooled connections, while PostgreSQL is fine: a call that waited the pool's whole
/// Timeout is told SERVER_BUSY with when to retry, not that the database is unreachable (HealthTests holds that answer
/// for a real outage), and the next call after a connection is free works.
/// </summary>
public sealed class OverloadTests(OverloadTests.OnePooledConnection pms) : IClassFixture<OverloadTests.OnePooledConnection>
{
    [Fact]
    public async Task WhenEveryPooledConnectionStaysBusyACallIsToldServerBusyWithARetryDelayAndWorksOnceOneIsFree()
    {
        await pms.LoginAsAdminAsync();

        var mark = pms.Logs.Lines.Count;
        await using (var scope = pms.Services.CreateAsyncScope())
        {
            // Takes the pool's only connection, as 100 long calls would take 100.
            var holder = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
            await holder.Database.OpenConnectionAsync();

            var ex = await Assert.ThrowsAsync<RpcException>(() => pms.LoginAsAdminAsync());
            var status = ex.GetRpcStatus();
            Assert.True(ex.StatusCode == StatusCode.ResourceExhausted && status?.GetDetail<ErrorInfo>()?.Reason == "SERVER_BUSY",
                $"expected RESOURCE_EXHAUSTED SERVER_BUSY, got {ex.StatusCode} {status?.GetDetail<ErrorInfo>()?.Reason}: {ex.Status.Detail}\nlog:\n"
                + string.Join("\n", pms.Logs.Lines.Skip(mark)));
            Assert.Contains("busy", ex.Status.Detail);
            var retryDelay = status!.GetDetail<RetryInfo>()?.RetryDelay?.ToTimeSpan();
            Assert.True(retryDelay > TimeSpan.Zero, $"a SERVER_BUSY answer carries a RetryInfo with a delay; got {retryDelay}");

            // One Warning for the operator, without a stack trace, and no Error: nothing is broken.
            var logged = pms.Logs.Since(mark, LogLevel.Warning);
            Assert.Contains(logged, l => l.Level == LogLevel.Warning && l.Message.Contains("SERVER_BUSY") && l.Message.Contains("Login") && l.Exception is null);
            Assert.DoesNotContain(logged, l => l.Category.Contains("ExceptionMapping") && (l.Level >= LogLevel.Error || l.Exception is not null));
        }

        // The held connection is back in the pool: the client's retry works.
        var login = await pms.LoginAsAdminAsync();
        Assert.NotEmpty(login.AccessToken);
    }

    /// <summary>PMS with a pool of one connection and a short wait for it, so one held connection exhausts it.</summary>
    public sealed class OnePooledConnection : PmsFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("ConnectionStrings:pmsdb", ConnectionString + ";Maximum Pool Size=1;Timeout=3");
        }
    }
}
