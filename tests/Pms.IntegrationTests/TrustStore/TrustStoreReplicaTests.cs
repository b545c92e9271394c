using System.Diagnostics;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Mosip.Pms.V1;
using Npgsql;
using Pms.Grpc.TrustStore;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.TrustStore;

/// <summary>
/// Three Pms.Grpc replicas on one database: A takes uploads; B listens for change notifications (its periodic
/// check is far away); C does not listen and relies on the periodic version check alone.
/// </summary>
public sealed class ThreeReplicas : IAsyncLifetime
{
    public PmsFactory A { get; } = new();

    public PmsFactory B { get; private set; } = null!;

    public PmsFactory C { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await A.InitializeAsync();
        B = new Replica(A, new Dictionary<string, string?> { ["Pms:TrustStore:ConsistencyCheckInterval"] = "01:00:00" });
        C = new Replica(A, new Dictionary<string, string?>
        {
            ["Pms:TrustStore:ListenForChanges"] = "false",
            ["Pms:TrustStore:ConsistencyCheckInterval"] = "00:00:00.300",
        });
        await B.InitializeAsync();
        await C.InitializeAsync();
        await Listener(A).Listening.WaitAsync(TimeSpan.FromSeconds(30));
        await Listener(B).Listening.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public static TrustStoreChangeListener Listener(PmsFactory replica) => replica.Services.GetRequiredService<TrustStoreChangeListener>();

    public async Task DisposeAsync()
    {
        await C.DisposeAsync();
        await B.DisposeAsync();
        await A.DisposeAsync();
    }

    /// <summary>Another Pms.Grpc on the primary's database, with its own caches and clock, and extra settings.</summary>
    private sealed class Replica(PmsFactory primary, IReadOnlyDictionary<string, string?> settings) : PmsFactory
    {
        protected override string? ExistingDatabase => primary.ConnectionString;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}

public sealed class TrustStoreReplicaTests(ThreeReplicas replicas) : IClassFixture<ThreeReplicas>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task AnUploadThroughOneReplicaIsTrustedByAnotherThatListens()
    {
        var (a, b) = (await TrustStoreCalls.AsAdminAsync(replicas.A), await TrustStoreCalls.AsAdminAsync(replicas.B));
        var root = Ca.Root("Replicated Root");
        var leaf = root.Leaf("replicated leaf");

        // B caches the FTM trust store without this root...
        Assert.False((await b.VerifyAsync(PartnerDomain.Ftm, leaf.PemData())).Trusted);

        // ...then A stores it; B's listener hears of it well before its hourly check.
        var stored = await a.UploadOneAsync(PartnerDomain.Ftm, root);
        var verdict = await EventuallyTrustedAsync(b, PartnerDomain.Ftm, leaf);
        Assert.Equal(stored.CertificateId, Assert.Single(verdict.Chain));
    }

    [Fact]
    public async Task AReplicaThatMissedTheNotificationCatchesUpByItsVersionCheck()
    {
        var (a, c) = (await TrustStoreCalls.AsAdminAsync(replicas.A), await TrustStoreCalls.AsAdminAsync(replicas.C));
        var root = Ca.Root("Unannounced Root");
        var leaf = root.Leaf("unannounced leaf");
        Assert.False((await c.VerifyAsync(PartnerDomain.Device, leaf.PemData())).Trusted);

        await a.UploadOneAsync(PartnerDomain.Device, root);

        await EventuallyTrustedAsync(c, PartnerDomain.Device, leaf);
    }

    [Fact]
    public async Task TheListenerReconnectsWhenItsConnectionIsKilled()
    {
        var (a, b) = (await TrustStoreCalls.AsAdminAsync(replicas.A), await TrustStoreCalls.AsAdminAsync(replicas.B));
        var listener = ThreeReplicas.Listener(replicas.B);
        var connectionsBefore = listener.Connections;

        await using (var admin = new NpgsqlConnection(replicas.A.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @name AND datname = current_database()", admin);
            kill.Parameters.AddWithValue("name", TrustStoreChangeListener.ApplicationName);
            Assert.True((long)(await kill.ExecuteScalarAsync())! >= 2); // A's and B's listeners at least
        }

        var stopwatch = Stopwatch.StartNew();
        while (listener.Connections == connectionsBefore && stopwatch.Elapsed < Patience)
        {
            await Task.Delay(100);
        }

        Assert.True(listener.Connections > connectionsBefore, "B's listener did not reconnect");

        // Listening again: a new upload through A reaches B's cached store.
        var root = Ca.Root("After Reconnect Root");
        var leaf = root.Leaf("after reconnect leaf");
        Assert.False((await b.VerifyAsync(PartnerDomain.Auth, leaf.PemData())).Trusted);
        await a.UploadOneAsync(PartnerDomain.Auth, root);
        await EventuallyTrustedAsync(b, PartnerDomain.Auth, leaf);
    }

    [Fact]
    public async Task TheSameCertificateUploadedThroughTwoReplicasAtOnceIsStoredOnce()
    {
        var (a, b) = (await TrustStoreCalls.AsAdminAsync(replicas.A), await TrustStoreCalls.AsAdminAsync(replicas.B));
        var root = Ca.Root("Raced Root");
        var intermediate = root.Intermediate("Raced Sub CA");
        await a.UploadOneAsync(PartnerDomain.Ftm, root);

        var attempts = Enumerable.Range(0, 6)
            .Select(i => Attempt((i % 2 == 0 ? a : b).UploadAsync(PartnerDomain.Ftm, intermediate.PemData())))
            .ToList();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Single(outcomes, o => o == StatusCode.OK);
        Assert.All(outcomes.Where(o => o != StatusCode.OK), o => Assert.Equal(StatusCode.AlreadyExists, o));
        var listed = await a.Client.ListCaCertificatesAsync(new ListCaCertificatesRequest { SubjectContains = NameOf(intermediate) }, a.Auth);
        Assert.Equal(1, listed.TotalSize);

        static async Task<StatusCode> Attempt(Task<UploadCaCertificateResponse> upload)
        {
            try
            {
                await upload;
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }
    }

    private static string NameOf(Pms.Testing.TestCertificate certificate) =>
        certificate.SubjectName.GetValueList(Org.BouncyCastle.Asn1.X509.X509Name.CN)[0];

    private static async Task<VerifyCertificateTrustResponse> EventuallyTrustedAsync(TrustStoreCalls replica, PartnerDomain domain, Pms.Testing.TestCertificate leaf)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var verdict = await replica.VerifyAsync(domain, leaf.PemData());
            if (verdict.Trusted)
            {
                return verdict;
            }

            Assert.True(stopwatch.Elapsed < Patience, $"Still untrusted after {Patience}: {verdict.Reason}");
            await Task.Delay(50);
        }
    }
}
