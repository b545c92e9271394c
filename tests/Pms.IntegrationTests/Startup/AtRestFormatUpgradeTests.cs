using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mosip.Pms.V1;
using Npgsql;
using Pms.Grpc.AtRest;
using Pms.Grpc.Data;
using Pms.IntegrationTests.Infrastructure;
using Pms.Testing;

namespace Pms.IntegrationTests.Startup;

/// <summary>
/// A database written by an older PMS: personal data, mail outbox content and the signing CA's key in the two
/// version 1 formats, stored by frozen copies of the old writers (<see cref="LegacyAtRestWriters"/>). Today's PMS,
/// started as two replicas at once, reads every value and leaves each one in the one at-rest format.
/// </summary>
public sealed class AtRestFormatUpgradeTests
{
    private const string MailContent = "To: asha@chipworks.example\r\nSubject: reset\r\n\r\nhttps://pms.example/reset#token";

    [Fact]
    public async Task ValuesInBothOlderFormatsStillReadAndEndInTheOneFormat()
    {
        var database = await (await PostgresServer.GetSharedAsync()).CreateDatabaseAsync(nameof(AtRestFormatUpgradeTests));
        var old = PartnerSetup.NewRegistration();
        var current = PartnerSetup.NewRegistration();
        string oldPartnerId;
        string currentPartnerId;
        await using (var first = new Replica(database))
        {
            await first.InitializeAsync();
            oldPartnerId = (await first.RegisterAsync(old)).PartnerId;
            currentPartnerId = (await first.RegisterAsync(current)).PartnerId;
        }

        // Store what the older PMS stored. The second partner keeps today's format: a rewrite that stopped halfway.
        var ca = TestCertificates.Root("PMS Signing CA (stored by an older PMS)");
        var oldId = Guid.Parse(oldPartnerId);
        var mailIds = new[] { Guid.CreateVersion7(), Guid.CreateVersion7() };
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, """
                UPDATE partners SET email_encrypted = @email, phone_number_encrypted = @phone, address_encrypted = @address WHERE id = @id
                """, ("id", oldId),
                ("email", LegacyAtRestWriters.ProtectPersonalData(PmsFactory.MasterKey, old.Email, oldId, "email")),
                ("phone", LegacyAtRestWriters.ProtectPersonalData(PmsFactory.MasterKey, old.PhoneNumber, oldId, "phone_number")),
                ("address", LegacyAtRestWriters.ProtectPersonalData(PmsFactory.MasterKey, old.Address, oldId, "address")));
            await ExecuteAsync(connection, "UPDATE signing_authority_keys SET certificate_pem = @pem, encrypted_private_key = @key WHERE is_active",
                ("pem", ca.Pem), ("key", LegacyAtRestWriters.ProtectPrivateKey(PmsFactory.MasterKey, ca.KeyPair.Private)));
            // Undeliverable mails keep their content for a requeue, and the sender leaves them alone.
            await ExecuteAsync(connection, """
                INSERT INTO mail_outbox (id, kind, status, request_encrypted, message_encrypted, created_at, attempts)
                VALUES (@request_id, 'password-reset', 4, @request, NULL, now(), 5),
                       (@message_id, 'password-reset', 4, NULL, @message, now(), 5)
                """, ("request_id", mailIds[0]), ("message_id", mailIds[1]),
                ("request", LegacyAtRestWriters.ProtectPersonalData(PmsFactory.MasterKey, old.Email, mailIds[0], "mail-outbox-request")),
                ("message", LegacyAtRestWriters.ProtectPersonalData(PmsFactory.MasterKey, MailContent, mailIds[1], "mail-outbox-message")));
        }
        var before = await ReadAllAsync(database);
        Assert.True(before.Count(v => v.Value[0] == 1) == 6, "Values stored in a version 1 format:\n" + Describe(before));

        var replicas = new[] { new Replica(database), new Replica(database) };
        try
        {
            await Task.WhenAll(replicas.Select(r => Task.Run(r.InitializeAsync)));

            foreach (var replica in replicas)
            {
                var admin = PmsFactory.Bearer((await replica.LoginAsAdminAsync()).AccessToken);
                foreach (var (id, registration) in new[] { (oldPartnerId, old), (currentPartnerId, current) })
                {
                    var partner = await replica.Partners.GetPartnerAsync(new GetPartnerRequest { PartnerId = id }, admin);
                    Assert.Equal((registration.Email, registration.PhoneNumber, registration.Address), (partner.Email, partner.PhoneNumber, partner.Address));
                }
                var signing = await new TrustStoreService.TrustStoreServiceClient(replica.Channel)
                    .GetSigningCertificateAsync(new GetSigningCertificateRequest(), admin);
                Assert.Equal(ca.Der, X509Certificate2.CreateFromPem(signing.CertificatePem).RawData);
            }

            var encryption = replicas[0].Services.GetRequiredService<AtRestEncryption>();
            var after = await ReadAllAsync(database);
            Assert.True(after.All(v => encryption.IsCurrent(v.Value)), "Values not in the current format after start-up:\n" + Describe(after));
            Assert.Equal(before.Select(v => $"{v.Column.Column} {v.RowId}"), after.Select(v => $"{v.Column.Column} {v.RowId}"));
            var currentId = Guid.Parse(currentPartnerId);
            var expected = new Dictionary<(EncryptedColumn, Guid), string>
            {
                [(EncryptedColumn.PartnerEmail, oldId)] = old.Email,
                [(EncryptedColumn.PartnerPhoneNumber, oldId)] = old.PhoneNumber,
                [(EncryptedColumn.PartnerAddress, oldId)] = old.Address,
                [(EncryptedColumn.PartnerEmail, currentId)] = current.Email,
                [(EncryptedColumn.PartnerPhoneNumber, currentId)] = current.PhoneNumber,
                [(EncryptedColumn.PartnerAddress, currentId)] = current.Address,
                [(EncryptedColumn.MailRequest, mailIds[0])] = old.Email,
                [(EncryptedColumn.MailMessage, mailIds[1])] = MailContent,
            };
            foreach (var value in after.Where(v => v.Column.Purpose == AtRestPurpose.PersonalData))
            {
                Assert.Equal(expected[(value.Column, value.RowId)], Encoding.UTF8.GetString(encryption.Unprotect(value.Value, value.Column, value.RowId)));
            }
            // Values already in today's format are left as they were, not encrypted again.
            Assert.Equal(before.Where(v => v.RowId == currentId).Select(v => v.Value), after.Where(v => v.RowId == currentId).Select(v => v.Value));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }

        // Once done, a start finds nothing to rewrite: every byte stays as it is.
        var upgraded = await ReadAllAsync(database);
        await using (var restarted = new Replica(database))
        {
            await restarted.InitializeAsync();
            Assert.DoesNotContain(restarted.Logs.Lines, l => l.Message.Contains("Rewrote"));
        }
        Assert.Equal(upgraded.Select(v => v.Value), (await ReadAllAsync(database)).Select(v => v.Value));
    }

    [Fact]
    public async Task AnOlderValueUnderAnotherMasterKeyStopsStartUpNamingTheRow()
    {
        var database = await (await PostgresServer.GetSharedAsync()).CreateDatabaseAsync(nameof(AtRestFormatUpgradeTests));
        string partnerId;
        await using (var first = new Replica(database))
        {
            await first.InitializeAsync();
            partnerId = (await first.RegisterAsync(PartnerSetup.NewRegistration())).PartnerId;
        }
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, "UPDATE partners SET address_encrypted = @address WHERE id = @id", ("id", Guid.Parse(partnerId)),
                ("address", LegacyAtRestWriters.ProtectPersonalData("another-master-key-0123456789abcdef", "12 MG Road", Guid.Parse(partnerId), "address")));
        }

        await using var second = new Replica(database, startFailureExpected: true);
        await second.InitializeAsync();
        var ex = Assert.ThrowsAny<Exception>(() => second.Server);

        Assert.Contains($"partners.address_encrypted of row {partnerId}", ex.ToString());
        Assert.Contains("Pms:KeyEncryption:MasterKey is not the key it was stored with", ex.ToString());
    }

    [Fact]
    public async Task AfterARotationValuesUnderTheRetiredMasterKeyAreReadAndRewrittenUnderTheNewOne()
    {
        const string newMasterKey = "integration-tests-next-master-key-0123456789abcdef";
        var database = await (await PostgresServer.GetSharedAsync()).CreateDatabaseAsync(nameof(AtRestFormatUpgradeTests));
        var registration = PartnerSetup.NewRegistration();
        string partnerId;
        string signingCertificate;
        await using (var before = new Replica(database))
        {
            await before.InitializeAsync();
            partnerId = (await before.RegisterAsync(registration)).PartnerId;
            signingCertificate = await SigningCertificateAsync(before);
        }

        await using (var rotated = new Replica(database, masterKey: newMasterKey, retiredMasterKey: PmsFactory.MasterKey))
        {
            await rotated.InitializeAsync();

            var admin = PmsFactory.Bearer((await rotated.LoginAsAdminAsync()).AccessToken);
            var partner = await rotated.Partners.GetPartnerAsync(new GetPartnerRequest { PartnerId = partnerId }, admin);
            Assert.Equal((registration.Email, registration.PhoneNumber, registration.Address), (partner.Email, partner.PhoneNumber, partner.Address));
            Assert.Equal(signingCertificate, await SigningCertificateAsync(rotated));
            var encryption = rotated.Services.GetRequiredService<AtRestEncryption>();
            var values = await ReadAllAsync(database);
            Assert.True(values.All(v => encryption.IsCurrent(v.Value)), "Values not under the new master key after start-up:\n" + Describe(values));

            // The email's lookup hash moved to the new key with it: the address is still taken, in any case.
            var again = PartnerSetup.NewRegistration();
            again.Email = registration.Email.ToUpperInvariant();
            await rotated.RegisterAsync(again);
            await using var db = new PmsDbContext(new DbContextOptionsBuilder<PmsDbContext>().UseNpgsql(database).UseSnakeCaseNamingConvention().Options);
            Assert.Equal(1, await db.Partners.CountAsync());
        }

        // Once rewritten, the retired key is no longer needed.
        await using var after = new Replica(database, masterKey: newMasterKey);
        await after.InitializeAsync();
        Assert.Equal(signingCertificate, await SigningCertificateAsync(after));
    }

    private static async Task<string> SigningCertificateAsync(PmsFactory pms) =>
        (await new TrustStoreService.TrustStoreServiceClient(pms.Channel).GetSigningCertificateAsync(
            new GetSigningCertificateRequest(), PmsFactory.Bearer((await pms.LoginAsAdminAsync()).AccessToken))).CertificatePem;

    private sealed record StoredValue(EncryptedColumn Column, Guid RowId, byte[] Value);

    private static async Task<List<StoredValue>> ReadAllAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var values = new List<StoredValue>();
        foreach (var column in EncryptedColumn.All)
        {
            await using var command = new NpgsqlCommand(
                $"""SELECT id, "{column.Column}" FROM "{column.Table}" WHERE "{column.Column}" IS NOT NULL ORDER BY id""", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                values.Add(new StoredValue(column, reader.GetGuid(0), (byte[])reader.GetValue(1)));
            }
        }
        return values;
    }

    private static string Describe(IEnumerable<StoredValue> values) => string.Join("\n",
        values.Select(v => $"{v.Column.Table}.{v.Column.Column} {v.RowId}: {Convert.ToHexString(v.Value.AsSpan(0, Math.Min(5, v.Value.Length)))}…"));

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        Assert.True(await command.ExecuteNonQueryAsync() > 0, "The statement changed no row: " + sql);
    }

    private sealed class Replica(string database, bool startFailureExpected = false, string? masterKey = null, string? retiredMasterKey = null)
        : PmsFactory
    {
        protected override string? ExistingDatabase => database;

        protected override bool StartFailureExpected => startFailureExpected;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            if (masterKey is not null)
            {
                builder.UseSetting("Pms:KeyEncryption:MasterKey", masterKey);
            }
            if (retiredMasterKey is not null)
            {
                builder.UseSetting("Pms:KeyEncryption:RetiredMasterKeys:0", retiredMasterKey);
            }
        }
    }
}
