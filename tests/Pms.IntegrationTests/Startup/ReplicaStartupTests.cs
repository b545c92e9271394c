using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mosip.Pms.V1;
using Npgsql;
using Pms.Grpc.AtRest;
using Pms.Grpc.Certificates;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Identity;
using Pms.Grpc.TrustStore;
using Pms.IntegrationTests.Infrastructure;
using Pms.Testing;

namespace Pms.IntegrationTests.Startup;

/// <summary>
/// A first deployment: several replicas start at the same moment on an empty database. Each start migrates, creates
/// the bootstrap admin and PMS's signing CA when missing; a replica that loses a race must use the winner's rows.
/// </summary>
public sealed class ReplicaStartupTests
{
    [Fact]
    public async Task ThreeReplicasStartingTogetherOnAnEmptyDatabaseShareOneSchemaOneAdminAndOneSigningCa()
    {
        var database = await (await PostgresServer.GetSharedAsync()).CreateDatabaseAsync(nameof(ReplicaStartupTests));
        var replicas = Enumerable.Range(0, 3).Select(_ => new Replica(database)).ToList();
        try
        {
            await Task.WhenAll(replicas.Select(r => Task.Run(r.InitializeAsync)));

            var signingCertificates = new List<string>();
            foreach (var replica in replicas)
            {
                var login = await replica.LoginAsync(PmsFactory.AdminUsername, PmsFactory.AdminPassword);
                var signing = await new TrustStoreService.TrustStoreServiceClient(replica.Channel)
                    .GetSigningCertificateAsync(new GetSigningCertificateRequest(), PmsFactory.Bearer(login.AccessToken));
                signingCertificates.Add(signing.CertificatePem);
            }

            Assert.Single(signingCertificates.Distinct());
            await using var db = Context(database);
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

    /// <summary>
    /// The losing side of each race, made certain: another instance's row is inserted but not yet committed, so the
    /// replica's own insert waits on it; the rival then commits. (The admin case once left the refused admin row tracked,
    /// and the signing CA insert that followed failed with it: "Sequence contains no elements".)
    /// </summary>
    [Theory]
    [InlineData("bootstrap admin")]
    [InlineData("signing CA")]
    public async Task AReplicaThatLosesTheRaceForARowStartsWithTheWinnersRow(string rivalRow)
    {
        var database = await (await PostgresServer.GetSharedAsync()).CreateDatabaseAsync(nameof(ReplicaStartupTests));
        await using (var migrate = Context(database))
        {
            await migrate.Database.MigrateAsync();
        }

        await using var rival = Context(database);
        await using var transaction = await rival.Database.BeginTransactionAsync();
        string? rivalSigningCertificate = null;
        if (rivalRow == "bootstrap admin")
        {
            var admin = new UserAccount
            {
                Id = Guid.CreateVersion7(),
                Username = PmsFactory.AdminUsername,
                NormalizedUsername = UserNames.Normalize(PmsFactory.AdminUsername),
                PasswordHash = "",
                Roles = [Roles.PartnerAdmin],
                CreatedAt = DateTimeOffset.UtcNow,
            };
            admin.PasswordHash = new PasswordHasher<UserAccount>().HashPassword(admin, PmsFactory.AdminPassword);
            rival.Users.Add(admin);
        }
        else
        {
            var authority = SigningAuthority.Create(TimeProvider.System);
            rivalSigningCertificate = authority.CertificatePem;
            var id = Guid.CreateVersion7();
            rival.SigningAuthorityKeys.Add(new SigningAuthorityKey
            {
                Id = id,
                CertificatePem = authority.CertificatePem,
                EncryptedPrivateKey = authority.ExportProtectedPrivateKey(SigningKeyProtector(), id),
                CreatedAt = DateTimeOffset.UtcNow,
                IsActive = true,
            });
        }
        await rival.SaveChangesAsync();

        await using var replica = new Replica(database);
        var start = Task.Run(replica.InitializeAsync);
        await WaitUntilASessionWaitsForALockAsync(database, start, rivalRow);
        await transaction.CommitAsync();
        await start;

        await using var db = Context(database);
        var stored = await db.SigningAuthorityKeys.SingleAsync();
        Assert.True(stored.IsActive);
        Assert.Equal(1, await db.Users.CountAsync(u => u.NormalizedUsername == UserNames.Normalize(PmsFactory.AdminUsername)));
        var loaded = replica.Services.GetRequiredService<IMosipSigner>().Authority.CertificatePem;
        Assert.Equal(stored.CertificatePem, loaded);
        if (rivalSigningCertificate is not null)
        {
            Assert.Equal(rivalSigningCertificate, loaded);
        }
        // The admin works, whichever instance created it.
        var login = await replica.LoginAsAdminAsync();
        Assert.NotEmpty(login.AccessToken);
    }

    private static async Task WaitUntilASessionWaitsForALockAsync(string database, Task start, string rivalRow)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (start.IsCompleted)
            {
                await start;
                Assert.Fail($"The replica started without waiting for the rival's uncommitted {rivalRow}.");
            }
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"After 2 minutes the replica's start was still not waiting for the rival's {rivalRow}.");
            await Task.Delay(50);
        }
    }

    private static PrivateKeyProtector SigningKeyProtector() => new(new AtRestEncryption(() => Encoding.UTF8.GetBytes(PmsFactory.MasterKey)));

    private static PmsDbContext Context(string database) => new(new DbContextOptionsBuilder<PmsDbContext>()
        .UseNpgsql(database).UseSnakeCaseNamingConvention().Options);

    private sealed class Replica(string database) : PmsFactory
    {
        protected override string? ExistingDatabase => database;
    }
}
