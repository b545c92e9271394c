using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Mosip.Pms.V1;
using Pms.Testing;

namespace Pms.EndToEndTests;

/// <summary>The AppHost with <c>Pms:Grpc:Replicas=2</c>: two pms-grpc instances behind Aspire's proxy, one database.</summary>
public sealed class TwoReplicaSystemFixture : PmsSystemFixture
{
    public const int Replicas = 2;

    protected override IEnumerable<string> ExtraArguments => [$"--Pms:Grpc:Replicas={Replicas}"];
}

[CollectionDefinition(Name)]
public sealed class TwoReplicaSystemCollection : ICollectionFixture<TwoReplicaSystemFixture>
{
    public const string Name = "PMS system with two pms-grpc replicas";
}

[Collection(TwoReplicaSystemCollection.Name)]
public sealed class ReplicaTests(TwoReplicaSystemFixture system)
{
    private const string ServedBy = "pms-served-by";
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task BothReplicasAreHealthyAndServeCallsMadeDirectlyAndThroughThePortal()
    {
        // The dashboard's view: two instances of pms-grpc, each Healthy (its own /health, not the proxy's).
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            var healthy = new HashSet<string>();
            await foreach (var change in system.App.ResourceNotifications.WatchAsync(timeout.Token))
            {
                if (change.Resource.Name == "pms-grpc" && change.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
                {
                    healthy.Add(change.ResourceId);
                }
                if (healthy.Count == TwoReplicaSystemFixture.Replicas)
                {
                    break;
                }
            }
            Assert.Equal(TwoReplicaSystemFixture.Replicas, healthy.Count);
        }

        var auth = await AdminAsync(system.GrpcChannel());

        // An internal service's calls: the proxy picks a replica per connection, so new channels land on both.
        var direct = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            using var channel = system.GrpcChannel();
            direct.Add(await ServingReplicaAsync(new TrustStoreService.TrustStoreServiceClient(channel), auth));
        }
        Assert.Equal(TwoReplicaSystemFixture.Replicas, direct.Distinct().Count());

        // The portal's calls through pms-web (gRPC-Web, YARP): concurrent calls open several connections and spread.
        using var web = system.GrpcWebChannel();
        var portal = new TrustStoreService.TrustStoreServiceClient(web);
        var throughPortal = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => ServingReplicaAsync(portal, auth)));
        Assert.Equal(TwoReplicaSystemFixture.Replicas, throughPortal.Distinct().Count());
    }

    [Fact]
    public async Task ACaUploadedThroughOneReplicaIsTrustedAtOnceByTheOther()
    {
        var (a, b) = await ClientsOfTwoReplicasAsync();
        using (a.Channel)
        using (b.Channel)
        {
            var auth = await AdminAsync(a.Channel); // signed in on A, used on B: the replicas share the signing key
            var root = TestCertificates.Root($"Replica E2E Root {Guid.NewGuid():N}", o => o.KeyType = TestKeyType.EcP256);
            var leaf = root.IssueLeaf("replica e2e device", o => o.KeyType = TestKeyType.EcP256);
            var verify = new VerifyCertificateTrustRequest { PartnerDomain = PartnerDomain.Auth, CertificateData = ByteString.CopyFrom(leaf.PemBytes) };

            // B has the AUTH trust store cached without this root.
            Assert.False((await b.OnItsReplicaAsync(b.Client.VerifyCertificateTrustAsync(verify, auth, Deadline()))).Trusted);

            await a.OnItsReplicaAsync(a.Client.UploadCaCertificateAsync(new UploadCaCertificateRequest
            {
                PartnerDomain = PartnerDomain.Auth,
                CertificateData = ByteString.CopyFrom(root.PemBytes),
            }, auth, Deadline()));

            // B's periodic consistency check runs every 30 s; well before that, A's NOTIFY has reached B's LISTEN.
            var stopwatch = Stopwatch.StartNew();
            VerifyCertificateTrustResponse verdict;
            while (!(verdict = await b.OnItsReplicaAsync(b.Client.VerifyCertificateTrustAsync(verify, auth, Deadline()))).Trusted
                && stopwatch.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(100);
            }

            Assert.True(verdict.Trusted, $"B still does not trust the leaf {stopwatch.Elapsed.TotalSeconds:0.0} s after A stored its root: {verdict.Reason}");
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"B took {stopwatch.Elapsed.TotalSeconds:0.0} s");
        }
    }

    /// <summary>
    /// Clients on two channels, each held on one HTTP/2 connection to a different replica (the proxy keeps a
    /// connection on the replica it picked).
    /// </summary>
    private async Task<(ReplicaClient A, ReplicaClient B)> ClientsOfTwoReplicasAsync()
    {
        var auth = await AdminAsync(system.GrpcChannel());
        var byReplica = new Dictionary<string, GrpcChannel>();
        for (var i = 0; i < 40 && byReplica.Count < 2; i++)
        {
            var channel = system.GrpcChannel();
            var replica = await ServingReplicaAsync(new TrustStoreService.TrustStoreServiceClient(channel), auth);
            if (!byReplica.TryAdd(replica, channel))
            {
                channel.Dispose();
            }
        }
        Assert.True(byReplica.Count == 2, "40 new connections all reached the same replica");
        var clients = byReplica.Select(r => new ReplicaClient(r.Key, r.Value)).ToList();
        return (clients[0], clients[1]);
    }

    private static async Task<Metadata> AdminAsync(GrpcChannel channel)
    {
        var login = await new PartnerService.PartnerServiceClient(channel).LoginAsync(
            new LoginRequest { Username = "admin", Password = PmsSystemFixture.AdminPassword }, deadline: Deadline());
        return PmsSystemFixture.Bearer(login.AccessToken);
    }

    private static async Task<string> ServingReplicaAsync(TrustStoreService.TrustStoreServiceClient client, Metadata auth)
    {
        using var call = client.ListCaCertificatesAsync(new ListCaCertificatesRequest { PageSize = 1 }, auth, Deadline());
        await call.ResponseAsync;
        return ReplicaOf(await call.ResponseHeadersAsync);
    }

    private static string ReplicaOf(Metadata headers) =>
        headers.GetValue(ServedBy) ?? throw new InvalidOperationException($"No {ServedBy} header: is Pms:Diagnostics:ServedByHeader on?");

    private static DateTime Deadline() => DateTime.UtcNow.Add(CallTimeout);

    /// <summary>A trust store client whose every answer must come from one replica.</summary>
    private sealed record ReplicaClient(string Replica, GrpcChannel Channel)
    {
        public TrustStoreService.TrustStoreServiceClient Client { get; } = new(Channel);

        public async Task<T> OnItsReplicaAsync<T>(AsyncUnaryCall<T> call)
        {
            using (call)
            {
                var response = await call.ResponseAsync;
                Assert.Equal(Replica, ReplicaOf(await call.ResponseHeadersAsync));
                return response;
            }
        }
    }
}
