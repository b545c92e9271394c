using Aspire.Hosting.Testing;
using Mosip.Pms.V1;

namespace Pms.EndToEndTests;

[Collection(PmsSystemCollection.Name)]
public sealed class SystemStartTests(PmsSystemFixture system)
{
    [Fact]
    public async Task EveryResourceIsHealthyAndTheAdminSignsInOverGrpc()
    {
        using var channel = system.GrpcChannel();
        var partners = new PartnerService.PartnerServiceClient(channel);
        var login = await partners.LoginAsync(new LoginRequest { Username = "admin", Password = PmsSystemFixture.AdminPassword },
            deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Contains("PARTNER_ADMIN", login.Roles);

        var audit = new AuditService.AuditServiceClient(channel);
        var events = await audit.ListAuditEventsAsync(new ListAuditEventsRequest { Action = "LOGIN" }, PmsSystemFixture.Bearer(login.AccessToken),
            deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Contains(events.AuditEvents, e => e.ActorUsername == "admin");
    }

    [Fact]
    public async Task ThePortalHostForwardsGrpcWebCallsToPms()
    {
        using var channel = system.GrpcWebChannel();
        var partners = new PartnerService.PartnerServiceClient(channel);
        var login = await partners.LoginAsync(new LoginRequest { Username = "admin", Password = PmsSystemFixture.AdminPassword },
            deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Contains("PARTNER_ADMIN", login.Roles);

        // A refusal crosses the proxy intact, as a gRPC status the portal can show.
        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => partners.LoginAsync(
            new LoginRequest { Username = "admin", Password = "wrong-password-1" }, deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.Unauthenticated, refused.StatusCode);
    }

    [Fact]
    public async Task ThePortalServesTheWebAssemblyApp()
    {
        using var http = system.App.CreateHttpClient("pms-web", "http");
        var page = await http.GetStringAsync("/login");
        Assert.Contains("blazor.webassembly", page);
    }

    [Fact]
    public async Task PmsGrpcAnswersHealthOverHttp()
    {
        using var http = system.App.CreateHttpClient("pms-grpc", "http");
        var response = await http.GetAsync("/health");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
