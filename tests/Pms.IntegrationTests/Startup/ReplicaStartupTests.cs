using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mosip.Pms.V1;
using Pms.Grpc.Data;
using Pms.Grpc.Identity;
using Pms.IntegrationTests.Infrastructure;
using Pms.Testing;

namespace Pms.IntegrationTests.Startup;

/// <summary>A first deployment: several replicas start at the same moment on an empty database.</summary>
public sealed class ReplicaStartupTests
{
    [Fact]
    public async Task ThreeReplicasStartingTogetherOnAnEmptyDatabaseShareOneSchemaOneAdminAndOneSigningCa()
    {
        var database = await (await PostgresServer.GetSharedAsync()).CreateDatabaseAsync(nameof(ReplicaStartupTests));
        var replicas = Enumerable.Range(0, 3).Select(_ => new Replica(database)).ToList();
        try
        {
            // Each start migrates, loads secrets, creates the bootstrap admin and the signing CA if missing: all raced.
            await Task.WhenAll(replicas.Select(r => Task.Run(r.InitializeAsync)));

            var signingCertificates = new List<string>();
            foreach (var replica in replicas)
            {
                var login = await replica.LoginAsync(PmsFactory.AdminUsername, PmsFactory.AdminPassword);
                var signing = await new TrustStoreService.TrustStoreServiceClient(replica.Channel)
                    .GetSigningCertificateAsync(new GetSigningCertificateRequest(), PmsFactory.Bearer(login.AccessToken));
                signingCertificates.Add(signing.CertificatePem);
            }

            // One signing CA, loaded by all; one admin; no migration left for anyone.
            Assert.Single(signingCertificates.Distinct());
            using var scope = replicas[0].Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
            Assert.Equal(1, await db.SigningAuthorityKeys.CountAsync());
            Assert.Equal(1, await db.Users.CountAsync(u => u.NormalizedUsername == UserNames.Normalize(PmsFactory.AdminUsername)));
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    private sealed class Replica(string database) : PmsFactory
    {
        protected override string? ExistingDatabase => database;
    }
}
