using Aspire.Hosting.Testing;
using Grpc.Net.Client;
using Pms.Benchmarks.Journeys;
using Xunit.Abstractions;

namespace Pms.EndToEndTests;

/// <summary>
/// Issue 11's load at CI size, through the AppHost with two pms-grpc replicas: providers onboard at once while admins
/// approve. The full size (200 journeys) is the benchmark command in docs/benchmarks.md.
/// </summary>
[Collection(TwoReplicaSystemCollection.Name)]
public sealed class OnboardingLoadTests(TwoReplicaSystemFixture system, ITestOutputHelper output)
{
    [Fact]
    public async Task TwentyProvidersOnboardAtOnceWhileTwoAdminsApproveAndEveryChipEndsApprovedWithAnUnbrokenAuditTrail()
    {
        using var channel = GrpcChannel.ForAddress(system.App.GetEndpoint("pms-grpc", "grpc"), new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
        using var log = new StringWriter();

        var report = await new JourneyLoad(channel, "admin", PmsSystemFixture.AdminPassword, log).RunAsync(journeys: 20, admins: 2);

        output.WriteLine(log.ToString());
        output.WriteLine(report.ToString());
        Assert.Equal(20, report.Completed);
        Assert.Equal(0, report.UndocumentedErrors);
        Assert.Equal(0, report.Check.ChipsNotApproved);
        Assert.Equal(0, report.Check.BrokenAuditChains);
        Assert.True(report.Check.AuditEvents >= 60, $"expected at least 3 audit events per chip, found {report.Check.AuditEvents}");
    }
}
