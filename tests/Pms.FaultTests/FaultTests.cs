using System.Diagnostics;
using System.Security.Cryptography;
using Google.Rpc;
using Grpc.Core;
using Mosip.Pms.V1;
using Npgsql;
using Pms.Testing;
using Xunit.Abstractions;

namespace Pms.FaultTests;

/// <summary>A PostgreSQL server of the fault suite's own (it gets killed), one database per test, and an SMTP sink.</summary>
public sealed class FaultFixture : IAsyncLifetime
{
    public PostgresServer Postgres { get; private set; } = default!;
    public TestMailServer Mail { get; private set; } = default!;
    public string Folder { get; } = TestFolders.Create("pms-fault");

    public async Task InitializeAsync()
    {
        // As in production: an acknowledged commit survives the server being killed.
        Postgres = await PostgresServer.StartOwnAsync(durableCommits: true);
        Mail = await TestMailServer.StartAsync();
    }

    public async Task<PmsSettings> NewSettingsAsync(string name) => new(
        await Postgres.CreateDatabaseAsync(name),
        Mail.ConnectionString,
        "Fault-Admin-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
        Folder);

    public async Task DisposeAsync()
    {
        await Mail.DisposeAsync();
        await Postgres.DisposeAsync();
        TestFolders.Delete(Folder);
    }
}

/// <summary>
/// Faults on real processes under a bounded write load; each test prints a FAULT line with its numbers (see
/// docs/faults.md). Codes a client may see during a fault are OK, UNAVAILABLE (retry) and RESOURCE_EXHAUSTED (a rate
/// limit); never INTERNAL, UNKNOWN or a hang.
/// </summary>
public sealed class FaultTests(FaultFixture fixture, ITestOutputHelper output) : IClassFixture<FaultFixture>
{
    private static readonly StatusCode[] Allowed = [StatusCode.OK, StatusCode.Unavailable, StatusCode.ResourceExhausted];
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task PostgresKilledMidLoadCallsFailFastWithUnavailableAndPmsRecoversLosingNothing()
    {
        Step("postgres test");
        var settings = await fixture.NewSettingsAsync("pgkill");
        // Two replicas: the load and the writes after recovery go to the first; the second must learn of them through its
        // LISTEN connections, which the kill broke.
        await using var pms = new PmsProcess(settings);
        await using var other = new PmsProcess(settings);
        await Task.WhenAll(pms.StartAsync(), other.StartAsync());
        var admin = await pms.AdminAuthAsync();
        var otherAdmin = await other.AdminAuthAsync();

        // The other replica has the FTM trust store cached (no CA of this test yet): only a notification can refresh it,
        // the version check is off for the fault suite (PmsProcess).
        var root = TestCertificates.Root("Fault FTM Root", o => o.KeyType = TestKeyType.EcP256);
        var intermediate = root.Issue("Fault FTM Sub CA", o => o.KeyType = TestKeyType.EcP256);
        const string organization = "Fault Chip Works";
        var probe = intermediate.IssueLeaf("fault probe", o => (o.KeyType, o.Organization) = (TestKeyType.EcP256, organization));
        var otherTrustStore = new TrustStoreService.TrustStoreServiceClient(other.Channel);
        Assert.False((await VerifyAsync(otherTrustStore, probe, otherAdmin)).Trusted);

        var load = new WriteLoad();
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync([pms], workers: 6, requestResets: false, stop.Token);
        var health = HealthPoller.Start(pms.HttpAddress, load, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(4));
        var acknowledgedBefore = load.Registered.Count;

        Step("killing PostgreSQL");
        var killedAt = load.Now;
        await fixture.Postgres.KillAsync();
        var killTook = load.Now - killedAt;
        Step("killed PostgreSQL");
        await Task.Delay(TimeSpan.FromSeconds(4));
        await fixture.Postgres.StartAsync();
        Step("PostgreSQL is back");
        var backAt = load.Now;

        // Recovery: the first write that succeeds after PostgreSQL accepts connections again.
        var deadline = backAt + TimeSpan.FromSeconds(30);
        while ((!load.Outcomes.Any(o => o.Code == StatusCode.OK && o.Started >= backAt) || !health.Polls.Any(p => p.Started >= backAt && p.Healthy))
               && load.Now < deadline)
        {
            await Task.Delay(50);
        }
        var firstOk = load.Outcomes.Where(o => o.Code == StatusCode.OK && o.Started >= backAt).Select(o => o.Ended).DefaultIfEmpty(TimeSpan.MaxValue).Min();
        var recovery = firstOk - backAt;
        await Task.Delay(TimeSpan.FromSeconds(2));
        Step("stopping the load");
        await stop.CancelAsync();
        await running;
        var polls = await health.StopAsync();
        Step("load stopped");

        // /health followed the database: 503 while it was gone, 200 again after it returned.
        var firstUnhealthy = polls.FirstOrDefault(p => p.Started >= killedAt && !p.Healthy);
        var healthyAgain = polls.FirstOrDefault(p => p.Started >= backAt && p.Healthy);
        var healthSummary = string.Join(" ", polls.Where(p => p.Started >= killedAt - TimeSpan.FromSeconds(1)).Take(80)
            .Select(p => $"{p.Started.TotalSeconds:0.0}s:{p.Answer}"));

        // Every replica's LISTEN connections are back (the trust store's and the chip watch hub's, one of each per replica).
        var listenersBack = await WaitForListenersAsync(settings.ConnectionString, replicas: 2, TimeSpan.FromSeconds(45));
        var listenersBackAfter = load.Now - backAt;
        Step("listeners back");

        // A CA uploaded now through one replica is used at once by the other, which did not upload it.
        await new TrustStoreService.TrustStoreServiceClient(pms.Channel).UploadCaCertificateAsync(new UploadCaCertificateRequest
        {
            PartnerDomain = PartnerDomain.Ftm,
            CertificateData = Google.Protobuf.ByteString.CopyFromUtf8(TestCertificates.BundlePem(root, intermediate)),
        }, admin, DateTime.UtcNow.AddSeconds(30));
        var trustedAfter = Stopwatch.StartNew();
        VerifyCertificateTrustResponse verdict;
        while (!(verdict = await VerifyAsync(otherTrustStore, probe, otherAdmin)).Trusted && trustedAfter.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20);
        }
        trustedAfter.Stop();
        Step("CA used by the other replica");

        // A watch opened on the other replica after recovery sees a chip added through the first.
        var watchOpened = Stopwatch.StartNew();
        using var watch = new FtmChipService.FtmChipServiceClient(other.Channel).WatchFtmChips(new WatchFtmChipsRequest(), otherAdmin,
            deadline: DateTime.UtcNow.AddSeconds(60));
        await watch.ResponseHeadersAsync; // sent once the watch listens
        watchOpened.Stop();
        var chipId = await AddChipAsync(pms, intermediate, organization);
        var seenAfter = Stopwatch.StartNew();
        var seen = false;
        using (var seenWithin = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            try
            {
                while (!seen && await watch.ResponseStream.MoveNext(seenWithin.Token))
                {
                    seen = watch.ResponseStream.Current.FtmChip?.FtmChipId == chipId;
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled)
            {
            }
        }
        seenAfter.Stop();
        Step("watch saw the chip");

        var outcomes = load.Outcomes;
        var duringOutage = outcomes.Where(o => o.Started >= killedAt && o.Ended <= backAt).ToList();
        var found = await CountUsersAsync(settings.ConnectionString, load.Registered);
        var slowestFailure = outcomes.Where(o => o.Code != StatusCode.OK).Select(o => o.Duration).DefaultIfEmpty().Max();
        output.WriteLine($"FAULT postgres-sigkill: outage {(backAt - killedAt).TotalSeconds:0.0} s (kill took {killTook.TotalSeconds:0.0} s), recovery {recovery.TotalSeconds:0.00} s after " +
            $"PostgreSQL returned (target <= 10 s), acknowledged writes {load.Registered.Count} ({acknowledgedBefore} before the kill), found {found}, " +
            $"lost {load.Registered.Count - found}; calls {outcomes.Count}: {load.CodeCounts()}; slowest failed call {slowestFailure.TotalSeconds:0.00} s; " +
            $"/health 503 {(firstUnhealthy is null ? "never" : $"{(firstUnhealthy.Ended - killedAt).TotalSeconds:0.00} s after the kill")}, " +
            $"200 again {(healthyAgain is null ? "never" : $"{(healthyAgain.Ended - backAt).TotalSeconds:0.00} s after PostgreSQL returned")}; " +
            $"LISTEN connections of both replicas back {(listenersBack ? $"by {listenersBackAfter.TotalSeconds:0.00} s after PostgreSQL returned (checked after the load stopped)" : "never (45 s)")}; " +
            $"CA uploaded on one replica trusted by the other after {trustedAfter.Elapsed.TotalMilliseconds:0} ms; " +
            $"chip watch reopened in {watchOpened.Elapsed.TotalSeconds:0.00} s, saw a chip added on the other replica after {seenAfter.Elapsed.TotalMilliseconds:0} ms");

        Assert.True(acknowledgedBefore > 0, "no write was acknowledged before the kill:\n" + pms.RecentLog);
        Assert.All(outcomes, o => Assert.True(Allowed.Contains(o.Code), $"{o.Code} ({o.Detail}) during the outage"));
        Assert.Contains(duringOutage, o => o.Code == StatusCode.Unavailable);
        Assert.True(slowestFailure < FailFast, $"a failing call took {slowestFailure.TotalSeconds:0.0} s: callers must not hang");
        Assert.True(recovery <= TimeSpan.FromSeconds(10), $"recovered {recovery.TotalSeconds:0.0} s after PostgreSQL returned\n{pms.RecentLog}");
        Assert.Equal(load.Registered.Count, found);
        Assert.True(firstUnhealthy is not null && firstUnhealthy.Started < backAt,
            $"/health never answered 503 while PostgreSQL was down (killed at {killedAt.TotalSeconds:0.0} s, back at {backAt.TotalSeconds:0.0} s): {healthSummary}");
        Assert.True(healthyAgain is not null && healthyAgain.Ended - backAt <= TimeSpan.FromSeconds(10),
            $"/health did not answer 200 within 10 s of PostgreSQL's return (back at {backAt.TotalSeconds:0.0} s): {healthSummary}\n{pms.RecentLog}");
        Assert.True(listenersBack, $"the LISTEN connections did not all come back within 45 s\n{pms.RecentLog}\n--- other replica:\n{other.RecentLog}");
        Assert.True(verdict.Trusted, $"the other replica still did not trust a CA uploaded 5 s before: {verdict.Reason}\n{other.RecentLog}");
        Assert.True(seen, $"a watch on the other replica did not see chip {chipId} within 20 s\n{other.RecentLog}");
        Assert.False(pms.HasExited || other.HasExited, "Pms.Grpc must survive the outage without a restart");
    }

    [Fact]
    public async Task AReplicaKilledMidLoadLosesNoAcknowledgedWriteAndNoMailAndNoMailGoesTwice()
    {
        Step("replica test");
        var settings = await fixture.NewSettingsAsync("grpckill");
        await using var first = new PmsProcess(settings);
        await using var second = new PmsProcess(settings);
        await first.StartAsync();
        await second.StartAsync();
        var mailsBefore = fixture.Mail.Messages.Count;

        var load = new WriteLoad();
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync([first, second], workers: 6, requestResets: true, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(5));
        Step("killing a replica");
        await first.KillAsync();
        var killedAt = load.Now;
        await Task.Delay(TimeSpan.FromSeconds(1));
        await first.StartAsync();
        var restartedIn = load.Now - killedAt;
        await Task.Delay(TimeSpan.FromSeconds(3));
        await stop.CancelAsync();
        await running;

        Step("load stopped; draining the outbox");
        // Every mail the outbox holds goes out; the killed replica's claims are taken over once their lease ends.
        var drained = Stopwatch.StartNew();
        while (await ScalarAsync(settings.ConnectionString, "SELECT count(*) FROM mail_outbox WHERE status = 1") > 0 && drained.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(200);
        }
        await Task.Delay(TimeSpan.FromSeconds(1)); // a duplicate would arrive now
        var sentRows = await ScalarAsync(settings.ConnectionString, "SELECT count(*) FROM mail_outbox WHERE status = 2");
        var pending = await ScalarAsync(settings.ConnectionString, "SELECT count(*) FROM mail_outbox WHERE status <> 2");
        var received = fixture.Mail.Messages.Skip(mailsBefore).ToList();
        var recipients = received.Select(m => m.To.Mailboxes.Single().Address).ToList();
        var missing = load.ResetsAcknowledged.Except(recipients, StringComparer.OrdinalIgnoreCase).Count();
        var duplicates = received.Count - received.Select(m => m.MessageId).Distinct().Count();
        var found = await CountUsersAsync(settings.ConnectionString, load.Registered);

        output.WriteLine($"FAULT pms-grpc-sigkill (2 replicas, one killed and restarted in {restartedIn.TotalSeconds:0.0} s): " +
            $"acknowledged writes {load.Registered.Count}, found {found}, lost {load.Registered.Count - found}; reset mails acknowledged " +
            $"{load.ResetsAcknowledged.Count}, outbox sent {sentRows}, received by the SMTP sink {received.Count}, missing {missing}, " +
            $"duplicates {duplicates}, left unsent {pending}; drained {drained.Elapsed.TotalSeconds:0.0} s after the load; calls: {load.CodeCounts()}");

        Assert.True(load.ResetsAcknowledged.Count > 0, "no reset was acknowledged:\n" + second.RecentLog);
        // A call that reached the restarted replica while it was still cold may run out of its 15 s deadline on a
        // machine this busy; any other deadline is a hang.
        var restartedAt = killedAt + restartedIn;
        Assert.All(load.Outcomes, o => Assert.True(Allowed.Contains(o.Code)
            || (o.Code == StatusCode.DeadlineExceeded && o.Started >= killedAt && o.Started <= restartedAt + TimeSpan.FromSeconds(5)),
            $"{o.Code} ({o.Detail}) at {o.Started}"));
        Assert.Equal(load.Registered.Count, found);
        Assert.Equal(0, missing);
        // Delivery is at least once (docs/mail.md): a mail the SMTP server accepted from the killed replica before it could
        // mark it sent goes again when its claim expires. At most that replica's one claimed batch (20) can go twice.
        Assert.InRange(duplicates, 0, 20);
        Assert.Equal(0, pending);
        Assert.Equal(sentRows + duplicates, received.Count);
    }

    [Fact]
    public async Task SigtermLetsInFlightCallsFinishEndsWatchesClearlyAndExitsInTime()
    {
        var settings = await fixture.NewSettingsAsync("sigterm");
        await using var pms = new PmsProcess(settings);
        await pms.StartAsync();
        var admin = await pms.AdminAuthAsync();
        using var watch = new FtmChipService.FtmChipServiceClient(pms.Channel).WatchFtmChips(new WatchFtmChipsRequest(), admin);
        await watch.ResponseHeadersAsync;

        // Calls under way when the signal comes (registration hashes a password: it takes a while).
        var load = new WriteLoad();
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync([pms], workers: 4, requestResets: false, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var exit = pms.TerminateAsync();
        await stop.CancelAsync();

        var watchEnd = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(CancellationToken.None));
        var exitedIn = await exit;
        await running;
        var reason = watchEnd.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;
        var found = await CountUsersAsync(settings.ConnectionString, load.Registered);
        output.WriteLine($"FAULT pms-grpc-sigterm: exited in {exitedIn.TotalSeconds:0.00} s (shutdown timeout {PmsProcess.ShutdownTimeout.TotalSeconds:0} s), " +
            $"exit code {pms.ExitCode}; watch ended {watchEnd.StatusCode} {reason}; calls: {load.CodeCounts()}; acknowledged writes " +
            $"{load.Registered.Count}, found {found}");

        Assert.Equal(StatusCode.Unavailable, watchEnd.StatusCode);
        Assert.Equal("SERVER_SHUTTING_DOWN", reason);
        Assert.True(exitedIn < PmsProcess.ShutdownTimeout, $"took {exitedIn.TotalSeconds:0.0} s to exit");
        Assert.Equal(0, pms.ExitCode);
        Assert.All(load.Outcomes, o => Assert.True(Allowed.Contains(o.Code), $"{o.Code} ({o.Detail})"));
        Assert.True(load.Registered.Count > 0);
        Assert.Equal(load.Registered.Count, found);
    }

    // Progress for whoever runs the suite by hand (FAULT_TRACE=file): where a test stands if it ever stalls.
    private static void Step(string what)
    {
        if (Environment.GetEnvironmentVariable("FAULT_TRACE") is { Length: > 0 } file)
        {
            File.AppendAllText(file, $"{DateTime.UtcNow:HH:mm:ss.fff} {what}\n");
        }
    }

    private static Task<VerifyCertificateTrustResponse> VerifyAsync(TrustStoreService.TrustStoreServiceClient client, TestCertificate certificate, Metadata auth) =>
        client.VerifyCertificateTrustAsync(new VerifyCertificateTrustRequest
        {
            PartnerDomain = PartnerDomain.Ftm,
            CertificateData = Google.Protobuf.ByteString.CopyFrom(certificate.PemBytes),
        }, auth, DateTime.UtcNow.AddSeconds(30)).ResponseAsync;

    /// <summary>A provider's whole way to its first chip, through <paramref name="pms"/>; returns the chip's id.</summary>
    private static async Task<string> AddChipAsync(PmsProcess pms, TestCertificate ca, string organization)
    {
        var partners = new PartnerService.PartnerServiceClient(pms.Channel);
        var username = "fault-provider-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        const string password = "Fault-Provider-Password-1";
        DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);
        await partners.RegisterPartnerAsync(new RegisterPartnerRequest
        {
            PartnerType = PartnerType.FtmProvider,
            FirstName = "Fault",
            LastName = "Tester",
            OrganizationName = organization,
            Address = "1 Fault Street",
            PhoneNumber = "+911234567890",
            Email = $"{username}@fault.example",
            Username = username,
            Password = password,
        }, deadline: Deadline());
        var login = await partners.LoginAsync(new LoginRequest { Username = username, Password = password }, deadline: Deadline());
        var auth = new Metadata { { "authorization", $"Bearer {login.AccessToken}" } };
        var terms = await partners.GetTermsAndConditionsAsync(new GetTermsAndConditionsRequest(), auth, Deadline());
        await partners.AcceptTermsAndConditionsAsync(new AcceptTermsAndConditionsRequest { Version = terms.Version }, auth, Deadline());
        var partnerCertificate = ca.IssueLeaf($"{username} partner", o => (o.KeyType, o.Organization) = (TestKeyType.EcP256, organization));
        await partners.UploadPartnerCertificateAsync(
            new UploadPartnerCertificateRequest { CertificateData = Google.Protobuf.ByteString.CopyFrom(partnerCertificate.PemBytes) }, auth, Deadline());
        var chip = await new FtmChipService.FtmChipServiceClient(pms.Channel).AddFtmChipAsync(
            new AddFtmChipRequest { Make = "FaultMake", Model = username }, auth, Deadline());
        return chip.FtmChipId;
    }

    /// <summary>Waits until every replica's trust store and chip listeners are connected (seen in pg_stat_activity).</summary>
    private static async Task<bool> WaitForListenersAsync(string connectionString, int replicas, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            try
            {
                var trustStore = await ScalarAsync(connectionString,
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pms-trust-store-listener'");
                var chips = await ScalarAsync(connectionString,
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pms-ftm-chip-listener'");
                if (trustStore >= replicas && chips >= replicas)
                {
                    return true;
                }
            }
            catch (NpgsqlException)
            {
                // PostgreSQL may still be starting.
            }
            await Task.Delay(100);
        }
        return false;
    }

    private static async Task<long> CountUsersAsync(string connectionString, IReadOnlyCollection<string> usernames)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM users WHERE username = ANY(@names)", connection);
        command.Parameters.AddWithValue("names", usernames.ToArray());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
