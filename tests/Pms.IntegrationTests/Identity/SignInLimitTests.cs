using System.Diagnostics;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mosip.Pms.V1;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Identity;
using Pms.Grpc.Infrastructure;
using Pms.Grpc.Partners;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.Identity;

/// <summary>Pms.Grpc with the production defaults under Pms:RateLimits (the other fixtures lift them).</summary>
public sealed class ProductionLimitsFactory : PmsFactory
{
    protected override bool ProductionRateLimits => true;
}

/// <summary>
/// Issue 10, items 1 and 3: an anonymous caller can neither lock the admin out nor guess without bound, and every
/// anonymous RPC and upload has a limit that answers RESOURCE_EXHAUSTED with a RetryInfo. Each test calls from
/// addresses of its own, because the per-address limits are real-time windows shared by the class.
/// </summary>
public sealed class SignInLimitTests(ProductionLimitsFactory pms) : IClassFixture<ProductionLimitsFactory>
{
    private static int _nextAddress;

    [Fact]
    public async Task HundredWrongAdminPasswordsFromOneClientLeaveTheOwnerSigningInFromAnother()
    {
        var attacker = Client(NewAddress());
        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            ReasonOf(() => attacker.LoginAsync(new LoginRequest { Username = PmsFactory.AdminUsername, Password = $"guess-{i}-xyz" }).ResponseAsync)));

        // At most one window's worth of the attacker's guesses reached the password check; the rest cost nothing.
        var checkedGuesses = answers.Count(a => a == "INVALID_CREDENTIALS");
        Assert.InRange(checkedGuesses, 1, 10);
        Assert.Equal(100 - checkedGuesses, answers.Count(a => a == "RATE_LIMITED"));

        var clock = Stopwatch.StartNew();
        var owner = await Client(NewAddress()).LoginAsync(new LoginRequest { Username = PmsFactory.AdminUsername, Password = PmsFactory.AdminPassword });
        Assert.Contains("PARTNER_ADMIN", owner.Roles);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the owner waited {clock.Elapsed}");
    }

    [Fact]
    public async Task GuessesAgainstOneAccountAreBoundedToThirtyAMinuteHoweverManyClientsRunInParallel()
    {
        var username = await pms.CreateUserAsync("Victim-Password-1", "PMS_SERVICE");
        // 100 clients (a botnet), all at once: the per-address limit never triggers, the per-account one does.
        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            ReasonOf(() => Client(NewAddress()).LoginAsync(new LoginRequest { Username = username, Password = $"guess-{i}-xyz" }).ResponseAsync)));

        var tally = string.Join(", ", answers.GroupBy(a => a).Select(g => $"{g.Key}: {g.Count()}"));
        Assert.True(answers.Count(a => a == "INVALID_CREDENTIALS") == 30, tally);
        Assert.True(answers.Count(a => a == "SIGN_IN_THROTTLED") == 70, tally);

        // Throttled means "later", not "locked": the window ends a minute after it began, for everyone.
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Client(NewAddress()).LoginAsync(new LoginRequest { Username = username, Password = "Victim-Password-1" }).ResponseAsync);
        var retry = RetryDelay(refused);
        Assert.InRange(retry, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        pms.Time.Advance(retry + TimeSpan.FromSeconds(1));
        var login = await Client(NewAddress()).LoginAsync(new LoginRequest { Username = username, Password = "Victim-Password-1" });
        Assert.Equal(username, login.Username);
    }

    [Fact]
    public async Task EveryAnonymousRpcIsLimitedPerClientAddressWithARetryInfo()
    {
        await AssertLimitedAsync(5, (client, i) => client.RegisterPartnerAsync(PartnerSetup.NewRegistration()).ResponseAsync);
        await AssertLimitedAsync(5, (client, i) => client.RequestPasswordResetAsync(new RequestPasswordResetRequest { Email = $"nobody{i}@example.org" }).ResponseAsync);
        await AssertLimitedAsync(5, (client, i) => client.ResetPasswordAsync(new ResetPasswordRequest { ResetToken = "no-such-token", NewPassword = "New-Password-1" }).ResponseAsync);
        await AssertLimitedAsync(60, (client, i) => client.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = "no-such-token" }).ResponseAsync);
        await AssertLimitedAsync(10, (client, i) => client.LoginAsync(new LoginRequest { Username = $"nobody-{i}", Password = "whatever-1" }).ResponseAsync);
    }

    [Fact]
    public async Task CertificateUploadsAreLimitedPerUser()
    {
        var admin = PmsFactory.Bearer(await pms.SignInWithRolesAsync("PARTNER_ADMIN"));
        var trustStore = new TrustStoreService.TrustStoreServiceClient(pms.Channel);
        for (var i = 0; i < 30; i++)
        {
            // Not a certificate: refused on its merits, but it still counts against the limit.
            var ex = await Assert.ThrowsAsync<RpcException>(() => trustStore.UploadCaCertificateAsync(new UploadCaCertificateRequest
            {
                PartnerDomain = Mosip.Pms.V1.PartnerDomain.Ftm,
                CertificateData = Google.Protobuf.ByteString.CopyFromUtf8("not a certificate " + i),
            }, admin).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        }
        var limited = await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, "RATE_LIMITED", () => trustStore.UploadCaCertificateAsync(
            new UploadCaCertificateRequest { PartnerDomain = Mosip.Pms.V1.PartnerDomain.Ftm, CertificateData = Google.Protobuf.ByteString.CopyFromUtf8("x") }, admin).ResponseAsync);
        Assert.NotNull(limited);
    }

    [Fact]
    public async Task XForwardedForCountsOnlyFromATrustedProxy()
    {
        // From pms-web's loopback forwarder, each forwarded address is a client of its own.
        var proxy = Client("127.0.0.1");
        for (var i = 0; i < 12; i++)
        {
            var reason = await ReasonOf(() => proxy.LoginAsync(new LoginRequest { Username = $"nobody-{i}", Password = "whatever-1" },
                new Metadata { { "x-forwarded-for", NewAddress() } }).ResponseAsync);
            Assert.Equal("INVALID_CREDENTIALS", reason);
        }

        // From anyone else, the header is whatever the caller wrote: ignored, so it cannot dodge its limit.
        var direct = Client(NewAddress());
        var reasons = new List<string>();
        for (var i = 0; i < 11; i++)
        {
            reasons.Add(await ReasonOf(() => direct.LoginAsync(new LoginRequest { Username = $"nobody-{i}", Password = "whatever-1" },
                new Metadata { { "x-forwarded-for", NewAddress() } }).ResponseAsync));
        }
        Assert.Equal("RATE_LIMITED", reasons[^1]);
    }

    [Fact]
    public async Task ResetMailsAreCappedAtThreePerAccountPerHour()
    {
        var registration = PartnerSetup.NewRegistration();
        await Client(NewAddress()).RegisterPartnerAsync(registration);
        var composed = new List<bool>();
        for (var i = 0; i < 5; i++)
        {
            await using var scope = pms.Services.CreateAsyncScope();
            composed.Add(await scope.ServiceProvider.GetRequiredService<PasswordManagement>().ComposeResetMailAsync(registration.Email, default) is not null);
        }
        Assert.Equal([true, true, true, false, false], composed);

        pms.Time.Advance(TimeSpan.FromMinutes(61));
        await using (var scope = pms.Services.CreateAsyncScope())
        {
            Assert.NotNull(await scope.ServiceProvider.GetRequiredService<PasswordManagement>().ComposeResetMailAsync(registration.Email, default));
        }
    }

    [Fact]
    public async Task BreakGlassResetsTheAdminPasswordEndsItsSessionsAndClearsItsCount()
    {
        var username = await pms.CreateUserAsync("Old-Admin-Password-1", Pms.Grpc.Identity.Roles.PartnerAdmin);
        var before = await Client(NewAddress()).LoginAsync(new LoginRequest { Username = username, Password = "Old-Admin-Password-1" });
        var audit = new AuditService.AuditServiceClient(pms.Channel);

        await using (var scope = pms.Services.CreateAsyncScope())
        {
            await BreakGlass.ResetAdminPasswordAsync(scope.ServiceProvider, username, "New-Admin-Password-2", default);
        }

        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "SESSION_REVOKED", () =>
            audit.ListAuditEventsAsync(new ListAuditEventsRequest(), PmsFactory.Bearer(before.AccessToken)).ResponseAsync);
        var after = await Client(NewAddress()).LoginAsync(new LoginRequest { Username = username, Password = "New-Admin-Password-2" });
        var events = await audit.ListAuditEventsAsync(new ListAuditEventsRequest { Action = "ADMIN_PASSWORD_RESET_BREAK_GLASS" },
            PmsFactory.Bearer(after.AccessToken));
        Assert.Contains(events.AuditEvents, e => e.ResourceId == after.UserId);
    }

    [Fact]
    public async Task OverRestTheSameLimitAnswers429WithRetryAfterAndTheRetryInfo()
    {
        var address = System.Net.IPAddress.Parse(NewAddress());
        using var http = new HttpClient(pms.Server.CreateHandler(c => c.Connection.RemoteIpAddress = address)) { BaseAddress = pms.Server.BaseAddress };
        var answers = new List<(System.Net.HttpStatusCode Status, string Body, TimeSpan? RetryAfter)>();
        for (var i = 0; i < 11; i++)
        {
            using var response = await http.PostAsync("/v1/sessions:login", new StringContent(
                $$"""{"username": "nobody-rest-{{i}}", "password": "whatever-1"}""", System.Text.Encoding.UTF8, "application/json"));
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.RetryAfter?.Delta));
        }

        // The REST face shares the gRPC face's window: ten refusals of the password, then the limit.
        Assert.All(answers.Take(10), a => Assert.Equal(System.Net.HttpStatusCode.Unauthorized, a.Status));
        var limited = answers[^1];
        Assert.True(limited.Status == System.Net.HttpStatusCode.TooManyRequests, $"{(int)limited.Status}: {limited.Body}");
        Assert.Equal((StatusCode.ResourceExhausted, "RATE_LIMITED"), DynamicRest.ParseStatus(limited.Body));
        Assert.Contains("type.googleapis.com/google.rpc.RetryInfo", limited.Body);
        Assert.NotNull(limited.RetryAfter);
        Assert.InRange(limited.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }

    private PartnerService.PartnerServiceClient Client(string address) => new(pms.ChannelFrom(address));

    private async Task AssertLimitedAsync(int limit, Func<PartnerService.PartnerServiceClient, int, Task> call)
    {
        var client = Client(NewAddress());
        for (var i = 0; i < limit; i++)
        {
            Assert.NotEqual("RATE_LIMITED", await ReasonOf(() => call(client, i)));
        }
        var ex = await Assert.ThrowsAsync<RpcException>(() => call(client, limit));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal("RATE_LIMITED", ex.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        Assert.InRange(RetryDelay(ex), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
    }

    private static TimeSpan RetryDelay(RpcException ex) => ex.GetRpcStatus()!.GetDetail<RetryInfo>().RetryDelay.ToTimeSpan();

    // The ErrorInfo reason of a refusal, or "OK".
    private static async Task<string> ReasonOf(Func<Task> call)
    {
        try
        {
            await call();
            return "OK";
        }
        catch (RpcException ex)
        {
            return ex.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason ?? ex.StatusCode.ToString();
        }
    }

    private static string NewAddress()
    {
        var n = Interlocked.Increment(ref _nextAddress);
        return $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}";
    }
}
