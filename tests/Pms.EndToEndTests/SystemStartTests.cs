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
    public async Task PmsGrpcAnswersHealthOverHttp()
    {
        using var http = system.App.CreateHttpClient("pms-grpc", "http");
        var response = await http.GetAsync("/health");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
