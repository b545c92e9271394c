extern alias webclient;

using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.JSInterop;
using PortalV1 = webclient::Mosip.Pms.Portal.V1;
using V1 = webclient::Mosip.Pms.V1;
using webclient::Pms.Web.Client.Session;
using PortalGrpc = webclient::Microsoft.Extensions.DependencyInjection.GrpcServiceCollectionExtensions;

namespace Pms.UnitTests.Portal;

/// <summary>
/// What the portal's calls carry, read from the HTTP requests its gRPC-Web channel sends: the access token while it is
/// valid (none once it has expired, and none to Pms.Web's own session service), a refused token reported to the
/// session so it renews, and a deadline on every unary call but none on a stream.
/// </summary>
public sealed class PortalChannelTests
{
    private static readonly Uri Origin = new("http://portal.test/");

    [Fact]
    public async Task AValidAccessTokenRidesOnEveryCallToPmsButNotToThePortalSessionService()
    {
        var portal = await PortalAsync(expiresIn: TimeSpan.FromMinutes(10));

        await portal.CallAsync(StatusCode.NotFound);
        await Assert.ThrowsAsync<RpcException>(() => portal.Session.RenewAsync(new PortalV1.RenewRequest()).ResponseAsync);

        Assert.Equal(2, portal.Server.Requests.Count);
        Assert.Equal("Bearer token-1", portal.Server.Requests[0].Authorization);
        Assert.Null(portal.Server.Requests[1].Authorization);
    }

    [Fact]
    public async Task AnExpiredAccessTokenIsNotSentSoAnAnonymousCallStillWorks()
    {
        var portal = await PortalAsync(expiresIn: TimeSpan.FromSeconds(-1));

        await portal.CallAsync(StatusCode.NotFound);

        Assert.Null(Assert.Single(portal.Server.Requests).Authorization);
    }

    [Fact]
    public async Task ARefusedTokenIsReportedToTheSessionUnlessTheSessionHasMovedOnMeanwhile()
    {
        var portal = await PortalAsync(expiresIn: TimeSpan.FromMinutes(10));
        var rejections = 0;
        portal.Auth.TokenRejected += () => rejections++;

        await portal.CallAsync(StatusCode.Unauthenticated);
        Assert.Equal(1, rejections);

        // Renewed while the call was on the wire: the refusal was of the old token, which the session no longer holds.
        portal.Server.BeforeAnswer = () => portal.Auth.SetAsync(portal.State("token-2", TimeSpan.FromMinutes(10)));
        await portal.CallAsync(StatusCode.Unauthenticated);
        Assert.Equal(1, rejections);
        Assert.Equal("Bearer token-1", portal.Server.Requests[1].Authorization);
    }

    [Fact]
    public async Task EveryUnaryCallHasADeadlineAndAStreamHasNone()
    {
        var portal = await PortalAsync(expiresIn: TimeSpan.FromMinutes(10));

        await portal.CallAsync(StatusCode.NotFound);
        using (var watch = portal.Chips.WatchFtmChips(new V1.WatchFtmChipsRequest()))
        {
            await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(CancellationToken.None));
        }

        var unary = portal.Server.Requests[0].Timeout;
        Assert.NotNull(unary);
        Assert.InRange(ParseTimeout(unary), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
        Assert.Null(portal.Server.Requests[1].Timeout);
    }

    // grpc-timeout: an integer and a unit (H, M, S, m, u, n).
    private static TimeSpan ParseTimeout(string value)
    {
        var amount = long.Parse(value[..^1], System.Globalization.CultureInfo.InvariantCulture);
        return value[^1] switch
        {
            'H' => TimeSpan.FromHours(amount),
            'M' => TimeSpan.FromMinutes(amount),
            'S' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMilliseconds(amount),
            'u' => TimeSpan.FromMicroseconds(amount),
            _ => TimeSpan.FromTicks(amount / 100),
        };
    }

    private static async Task<Tab> PortalAsync(TimeSpan expiresIn)
    {
        var server = new RecordingServer();
        var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<IJSRuntime, NoStorage>()
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<AuthSession>();
        PortalGrpc.AddPmsGrpc(services, Origin, () => server);
        var provider = services.BuildServiceProvider();
        var portal = new Tab(provider, server);
        await portal.Auth.SetAsync(portal.State("token-1", expiresIn));
        return portal;
    }

    /// <summary>One browser tab's portal: its session and its clients, wired as Program.cs wires them.</summary>
    private sealed class Tab(IServiceProvider services, RecordingServer server)
    {
        public RecordingServer Server => server;
        public AuthSession Auth { get; } = services.GetRequiredService<AuthSession>();
        public V1.FtmChipService.FtmChipServiceClient Chips { get; } = services.GetRequiredService<V1.FtmChipService.FtmChipServiceClient>();
        public PortalV1.PortalSessionService.PortalSessionServiceClient Session { get; } =
            services.GetRequiredService<PortalV1.PortalSessionService.PortalSessionServiceClient>();

        public SessionState State(string token, TimeSpan expiresIn) => new("admin", "user-1", "", [SessionState.PartnerAdminRole], token,
            DateTimeOffset.UtcNow + expiresIn, DateTimeOffset.UtcNow.AddHours(1), ConsentRequired: false);

        /// <summary>GetFtmChip, answered with <paramref name="status"/>.</summary>
        public async Task CallAsync(StatusCode status)
        {
            server.Status = status;
            var refusal = await Assert.ThrowsAsync<RpcException>(() => Chips.GetFtmChipAsync(new V1.GetFtmChipRequest { FtmChipId = "x" }).ResponseAsync);
            Assert.Equal(status, refusal.StatusCode);
        }
    }

    private sealed record SentRequest(string? Authorization, string? Timeout);

    /// <summary>Answers every gRPC-Web request with the set status and no message (a "trailers-only" answer), and keeps its headers.</summary>
    private sealed class RecordingServer : HttpMessageHandler
    {
        private readonly List<SentRequest> _requests = [];

        public StatusCode Status { get; set; } = StatusCode.Unavailable;

        public Func<Task>? BeforeAnswer { get; set; }

        public IReadOnlyList<SentRequest> Requests => _requests;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _requests.Add(new SentRequest(
                request.Headers.Authorization?.ToString(),
                request.Headers.TryGetValues("grpc-timeout", out var timeout) ? timeout.Single() : null));
            if (BeforeAnswer is { } before)
            {
                BeforeAnswer = null;
                await before();
            }

            var response = new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new ByteArrayContent([]) };
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc-web");
            response.Headers.Add("grpc-status", ((int)Status).ToString(System.Globalization.CultureInfo.InvariantCulture));
            response.Headers.Add("grpc-message", "answered by the test");
            return response;
        }
    }

    /// <summary>The tab's sessionStorage, which a unit test does not have: writes go nowhere, reads find nothing.</summary>
    private sealed class NoStorage : IJSRuntime
    {
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => ValueTask.FromResult<TValue>(default!);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) =>
            ValueTask.FromResult<TValue>(default!);
    }
}
