using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Mosip.Pms.V1;
using Pms.IntegrationTests.FtmChips;
using Pms.IntegrationTests.Infrastructure;
using Pms.Testing;
using Xunit.Abstractions;

namespace Pms.IntegrationTests.Edge;

/// <summary>
/// WatchFtmChips over plain HTTP (<c>GET /v1/ftm-chips:watch</c>, server-sent events) against a real Pms.Grpc on a
/// socket and real PostgreSQL: the same caller, ownership and session rules as the gRPC watch.
/// </summary>
public sealed class WatchOverHttpTests(WatchOverHttpTests.Factory pms, ITestOutputHelper output) : IClassFixture<WatchOverHttpTests.Factory>
{
    // Generous: a loaded 2-core machine can take seconds to deliver a notification.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AProvidersStreamCarriesItsOwnChipsChangeAndNotAnotherProviders()
    {
        var owner = await pms.NewProviderAsync();
        var other = await pms.NewProviderAsync();
        using var http = DynamicRest.ClientFor(pms.SocketAddress);
        using var ownerStream = await OpenAsync(http, BearerOf(owner));
        using var otherStream = await OpenAsync(http, BearerOf(other));

        // The other provider's chip changes first: had it reached the owner's stream, it would come before the owner's.
        var othersChip = await pms.AddChipAsync(other);
        var ownersChip = await pms.AddChipAsync(owner);

        var received = await NextChangeAsync(ownerStream);
        output.WriteLine(ownerStream.Received);
        Assert.True(ChipIdOf(received) == ownersChip.FtmChipId,
            $"The owner's first event is not its own chip {ownersChip.FtmChipId} (the other's is {othersChip.FtmChipId}). Stream:\n{ownerStream.Received}");
        using var json = JsonDocument.Parse(received.Data);
        Assert.Equal("FTM_CHIP_EVENT_TYPE_CREATED", json.RootElement.GetProperty("eventType").GetString());
        Assert.Equal(owner.Username, json.RootElement.GetProperty("actor").GetString());
        Assert.Equal("FTM_CHIP_STATUS_PENDING_CERT_UPLOAD", json.RootElement.GetProperty("ftmChip").GetProperty("status").GetString());
        // The SSE id is the event's id (the audit event's), as the gRPC watch gives it.
        Assert.Equal(json.RootElement.GetProperty("eventId").GetString(), received.Id);

        // The owner's next change is its own again (the upload), still with nothing of the other's in between.
        await pms.UploadAsync(owner.Auth, ownersChip, pms.ChipCertificate(owner.Organization));
        var uploaded = await NextChangeAsync(ownerStream);
        Assert.True(ChipIdOf(uploaded) == ownersChip.FtmChipId, $"Unexpected event. Stream:\n{ownerStream.Received}");

        var othersEvent = await NextChangeAsync(otherStream);
        Assert.True(ChipIdOf(othersEvent) == othersChip.FtmChipId, $"The other provider's stream:\n{otherStream.Received}");
    }

    [Fact]
    public async Task WithoutATokenTheWatchIsRefusedWith401AndAStatus()
    {
        using var http = DynamicRest.ClientFor(pms.SocketAddress);
        var (response, stream) = await ServerSentEventStream.OpenAsync(http, FtmChipWatchPath, bearer: null, Patience);
        using (response)
        {
            stream?.Dispose();
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{(int)response.StatusCode}: {body}");
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
            Assert.True(body.Contains("AUTHENTICATION_REQUIRED", StringComparison.Ordinal), body);
        }
    }

    [Fact]
    public async Task ABadStatusFilterIsRefusedWith400NamingTheField()
    {
        var admin = await pms.LoginAsAdminAsync();
        using var http = DynamicRest.ClientFor(pms.SocketAddress);
        var (response, stream) = await ServerSentEventStream.OpenAsync(http, FtmChipWatchPath + "?status=APPROVED_PLEASE", admin.AccessToken, Patience);
        using (response)
        {
            stream?.Dispose();
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
            Assert.True(body.Contains("VALIDATION_FAILED", StringComparison.Ordinal) && body.Contains("\"field\": \"status\"", StringComparison.Ordinal), body);
        }
    }

    [Fact]
    public async Task OneUsersOpenWatchesAreBoundedOverHttpAndGrpcTogether()
    {
        var provider = await pms.NewProviderAsync();
        var limit = new Pms.Grpc.FtmChips.FtmChipWatchOptions().MaxWatchesPerUser;
        using var http = DynamicRest.ClientFor(pms.SocketAddress);
        var open = new List<ServerSentEventStream>();
        try
        {
            for (var i = 0; i < limit; i++)
            {
                open.Add(await OpenAsync(http, BearerOf(provider)));
            }

            var (response, stream) = await ServerSentEventStream.OpenAsync(http, FtmChipWatchPath, BearerOf(provider), Patience);
            using (response)
            {
                stream?.Dispose();
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"{(int)response.StatusCode}: {body}");
                Assert.True(body.Contains("TOO_MANY_WATCHES", StringComparison.Ordinal), body);
            }

            using var overGrpc = pms.Chips.WatchFtmChips(new WatchFtmChipsRequest(), provider.Auth);
            await RpcAssert.FailsAsync(global::Grpc.Core.StatusCode.ResourceExhausted, "TOO_MANY_WATCHES",
                () => overGrpc.ResponseStream.MoveNext(CancellationToken.None));
        }
        finally
        {
            foreach (var watch in open)
            {
                watch.Dispose();
            }
        }
    }

    [Fact]
    public async Task TheStreamEndsWithSessionRevokedWhenTheCallerSignsOutAndSendsHeartbeatsMeanwhile()
    {
        var provider = await pms.NewProviderAsync();
        // A session of its own, so signing it out touches no other test.
        var login = await pms.LoginAsync(provider.Username, provider.Password);
        using var http = DynamicRest.ClientFor(pms.SocketAddress);
        using var stream = await OpenAsync(http, login.AccessToken);

        // A quiet stream is kept alive with comments (the fixture sends one every second).
        await stream.WaitForCommentAsync("heartbeat", Patience);

        await pms.Partners.LogoutAsync(new LogoutRequest { RefreshToken = login.RefreshToken });

        var end = await stream.NextAsync(Patience);
        output.WriteLine(stream.Received);
        Assert.True(end is { Event: "end" }, $"Expected the 'end' event. Stream:\n{stream.Received}");
        using var status = JsonDocument.Parse(end!.Data);
        Assert.Equal(16, status.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("SESSION_REVOKED", status.RootElement.GetProperty("details")[0].GetProperty("reason").GetString());
        // And the server closes it.
        Assert.True(await stream.NextAsync(Patience) is null, $"The stream went on after 'end':\n{stream.Received}");
    }

    [Fact]
    public async Task TheStreamEndsWithTokenExpiredWhenTheAccessTokenExpires()
    {
        var admin = await pms.LoginAsAdminAsync();
        using var http = DynamicRest.ClientFor(pms.SocketAddress);
        using var stream = await OpenAsync(http, admin.AccessToken);

        // Past the access token's lifetime (15 min) on the server's clock.
        pms.Time.Advance(TimeSpan.FromMinutes(16));

        var end = await stream.NextAsync(Patience);
        Assert.True(end is { Event: "end" } && end.Data.Contains("TOKEN_EXPIRED", StringComparison.Ordinal),
            $"Expected the 'end' event with TOKEN_EXPIRED. Stream:\n{stream.Received}");
        Assert.True(await stream.NextAsync(Patience) is null, $"The stream went on after 'end':\n{stream.Received}");
    }

    private const string FtmChipWatchPath = "/v1/ftm-chips:watch";

    private static string BearerOf(TestProvider provider) => provider.Auth.Get("authorization")!.Value["Bearer ".Length..];

    private static string? ChipIdOf(ServerSentEvent change)
    {
        using var json = JsonDocument.Parse(change.Data);
        return json.RootElement.GetProperty("ftmChip").GetProperty("ftmChipId").GetString();
    }

    private static async Task<ServerSentEventStream> OpenAsync(HttpClient http, string bearer)
    {
        var (response, stream) = await ServerSentEventStream.OpenAsync(http, FtmChipWatchPath, bearer, Patience);
        if (stream is null)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.Dispose();
            Assert.Fail($"GET {FtmChipWatchPath} answered {(int)response.StatusCode} {response.Content.Headers.ContentType}: {body}");
        }
        // The first comment comes once the watch listens: every change from now on reaches the stream.
        await stream!.WaitForCommentAsync("watching", Patience);
        return stream;
    }

    private static async Task<ServerSentEvent> NextChangeAsync(ServerSentEventStream stream)
    {
        var next = await stream.NextAsync(Patience);
        Assert.True(next is { Event: "message" }, $"Expected a change, got {next?.Event ?? "the end of the stream"}. Stream:\n{stream.Received}");
        return next!;
    }

    public sealed class Factory : FtmChipsFactory
    {
        protected override bool OverSockets => true;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Pms:FtmChipWatch:HeartbeatInterval", "00:00:01");
        }
    }
}
