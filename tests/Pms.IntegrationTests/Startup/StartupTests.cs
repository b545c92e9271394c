using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mosip.Pms.V1;
using Pms.Grpc.Data;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.Startup;

public sealed class StartupTests
{
    [Fact]
    public async Task AFreshDatabaseIsMigratedWithoutAnErrorLine()
    {
        await using var factory = new PmsFactory();
        await factory.InitializeAsync();
        await factory.LoginAsAdminAsync();

        // EF used to log "relation __EFMigrationsHistory does not exist" at Error on every first start.
        var errors = factory.Logs.Lines.Where(l => l.Level >= LogLevel.Error).ToList();
        Assert.True(errors.Count == 0, "error-level lines on a normal first start:\n" + string.Join("\n", errors.Take(10)));
        Assert.Contains(factory.Logs.Lines, l => l.Message.Contains("Database schema is up to date"));
    }

    [Fact]
    public async Task OutsideDevelopmentAMissingSecretStopsStartUpNamingTheVariable()
    {
        await using var factory = new FactoryWithout("Pms:Jwt:SigningKey");
        await factory.InitializeAsync();
        var ex = Assert.ThrowsAny<Exception>(() => factory.Server);
        Assert.Contains("Pms__Jwt__SigningKey", ex.ToString());
    }

    [Fact]
    public async Task InDevelopmentMissingSecretsAreGeneratedOnceAndKept()
    {
        string firstAccessTokenUser;
        string connectionString;
        await using (var first = new FactoryWithout("Pms:Jwt:SigningKey", "Pms:KeyEncryption:MasterKey", environment: "Development"))
        {
            await first.InitializeAsync();
            connectionString = first.ConnectionString;
            var login = await first.LoginAsAdminAsync();
            firstAccessTokenUser = login.UserId;

            // The token of one instance is accepted by a second instance on the same database: they share the generated key.
            await using var second = new FactoryWithout("Pms:Jwt:SigningKey", "Pms:KeyEncryption:MasterKey", environment: "Development", existingDatabase: connectionString);
            await second.InitializeAsync();
            var page = await new AuditService.AuditServiceClient(second.Channel)
                .ListAuditEventsAsync(new ListAuditEventsRequest(), PmsFactory.Bearer(login.AccessToken));
            Assert.NotEmpty(page.AuditEvents);
        }

        // A restart finds the generated secrets and uses them (a different key would fail to decrypt the signing CA).
        await using var restarted = new FactoryWithout("Pms:Jwt:SigningKey", "Pms:KeyEncryption:MasterKey", environment: "Development", existingDatabase: connectionString);
        await restarted.InitializeAsync();
        using var scope = restarted.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
        Assert.Equal(2, db.GeneratedSecrets.Count());
        Assert.Equal(firstAccessTokenUser, db.Users.Single(u => u.Username == PmsFactory.AdminUsername).Id.ToString());
    }

    [Fact]
    public async Task AChangedMasterKeyStopsStartUpRatherThanReplacingTheSigningCa()
    {
        await using var first = new PmsFactory();
        await first.InitializeAsync();

        await using var second = new FactoryWithOtherMasterKey(first.ConnectionString);
        await second.InitializeAsync();
        var ex = Assert.ThrowsAny<Exception>(() => second.Server);
        Assert.Contains("Pms:KeyEncryption:MasterKey is not the key it was stored with", ex.ToString());
    }

    private sealed class FactoryWithOtherMasterKey(string database) : PmsFactory
    {
        protected override string? ExistingDatabase => database;

        protected override bool StartFailureExpected => true;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Pms:KeyEncryption:MasterKey", "a-different-master-key-0123456789abcdef0123");
        }
    }

    /// <summary>PMS configured like <see cref="PmsFactory"/> but with some settings left out.</summary>
    private sealed class FactoryWithout(string[] missing, string environment, string? existingDatabase) : PmsFactory
    {
        public FactoryWithout(params string[] missing) : this(missing, "Testing", null)
        {
        }

        public FactoryWithout(string missing1, string missing2, string environment, string? existingDatabase = null)
            : this([missing1, missing2], environment, existingDatabase)
        {
        }

        protected override string? ExistingDatabase => existingDatabase;

        protected override bool StartFailureExpected => missing.Length > 0 && environment != "Development";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment(environment);
            foreach (var key in missing)
            {
                builder.UseSetting(key, "");
            }
        }
    }
}
