using System.Text.Json;
using Aspire.Hosting.Testing;
using Grpc.Health.V1;
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
    public async Task ThePortalOriginServesTheRestApiAndItsOpenApiDocument()
    {
        using var http = new HttpClient { BaseAddress = system.App.GetEndpoint("pms-web", "http"), Timeout = TimeSpan.FromSeconds(30) };

        using var login = await http.PostAsync("/v1/sessions:login", new StringContent(
            $$"""{"username": "admin", "password": "{{PmsSystemFixture.AdminPassword}}"}""", System.Text.Encoding.UTF8, "application/json"));
        var loginBody = await login.Content.ReadAsStringAsync();
        Assert.True(login.IsSuccessStatusCode, $"{(int)login.StatusCode}: {loginBody}");
        var token = JsonDocument.Parse(loginBody).RootElement.GetProperty("accessToken").GetString();

        using var chips = new HttpRequestMessage(HttpMethod.Get, "/v1/ftm-chips?pageSize=5");
        chips.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var listed = await http.SendAsync(chips);
        Assert.True(listed.IsSuccessStatusCode, $"{(int)listed.StatusCode}: {await listed.Content.ReadAsStringAsync()}");

        // Without a token: a 401 with the google.rpc.Status JSON, as from Pms.Grpc itself.
        using var anonymous = await http.GetAsync("/v1/ftm-chips");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("AUTHENTICATION_REQUIRED", await anonymous.Content.ReadAsStringAsync());

        using var document = await http.GetAsync("/openapi/v1.json");
        var openApi = await document.Content.ReadAsStringAsync();
        Assert.True(document.IsSuccessStatusCode, $"{(int)document.StatusCode}: {openApi}");
        Assert.Matches(@"""/v1/ftm-chips/\{\w+\}:approve""", openApi);
    }

    [Fact]
    public async Task TheWatchOverServerSentEventsStreamsThroughThePortalOriginUntilSignOut()
    {
        var patience = TimeSpan.FromSeconds(60);
        // HTTP/1.1, as curl and browsers reach the portal; no overall timeout, the stream is meant to stay open.
        using var http = new HttpClient { BaseAddress = system.App.GetEndpoint("pms-web", "http"), Timeout = Timeout.InfiniteTimeSpan };
        using var channel = system.GrpcChannel();
        var partners = new PartnerService.PartnerServiceClient(channel);
        var login = await partners.LoginAsync(
            new LoginRequest { Username = "admin", Password = PmsSystemFixture.AdminPassword }, deadline: DateTime.UtcNow.AddSeconds(30));

        var (response, stream) = await Pms.Testing.ServerSentEventStream.OpenAsync(http, "/v1/ftm-chips:watch", login.AccessToken, patience);
        using (response)
        {
            if (stream is null)
            {
                Assert.Fail($"{(int)response.StatusCode} {response.Content.Headers.ContentType}: {await response.Content.ReadAsStringAsync()}");
            }
            using (stream)
            {
                // The first comment crosses the proxy at once (YARP does not buffer the stream), headers with it.
                await stream.WaitForCommentAsync("watching", patience);

                await partners.LogoutAsync(new LogoutRequest { RefreshToken = login.RefreshToken }, deadline: DateTime.UtcNow.AddSeconds(30));
                var end = await stream.NextAsync(patience);
                Assert.True(end is { Event: "end" } && end.Data.Contains("SESSION_REVOKED", StringComparison.Ordinal),
                    $"Expected the 'end' event with SESSION_REVOKED. Stream:\n{stream.Received}");
            }
        }
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
    public async Task PmsGrpcAnswersHealthToAnonymousCallersNamingEachCheck()
    {
        using var http = system.App.CreateHttpClient("pms-grpc", "http");
        var health = await HealthAsync(http, "/health");
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal("Healthy", CheckStatus(health, "postgres"));
        Assert.Equal("Healthy", CheckStatus(health, "migrations"));
        Assert.Equal("Healthy", (await HealthAsync(http, "/alive")).GetProperty("status").GetString());

        using var channel = system.GrpcChannel();
        var serving = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, serving.Status);
    }

    [Fact]
    public async Task ThePortalHostReportsWhetherItReachesPmsGrpc()
    {
        using var http = system.App.CreateHttpClient("pms-web", "http");
        var health = await HealthAsync(http, "/health");
        Assert.Equal("Healthy", CheckStatus(health, "pms-grpc"));
    }

    private static async Task<JsonElement> HealthAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string? CheckStatus(JsonElement health, string name) =>
        health.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("status").GetString();
}
