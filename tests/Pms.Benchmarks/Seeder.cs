using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Mosip.Pms.V1;
using Npgsql;

namespace Pms.Benchmarks;

/// <summary>A signed-in FTM provider of the seeded data, with the chips it owns and a certificate it may upload.</summary>
public sealed record BenchProvider(string Username, string Organization, Metadata Auth, IReadOnlyList<string> ChipIds, ByteString PartnerCertificate);

/// <summary>
/// The data every scenario runs against. The few things whose meaning lives in PMS's code go through the API (the CA
/// upload, one provider's registration, terms and certificate); the bulk is copied from that provider's rows in SQL,
/// in a few statements: 1,000 partners with their users and current certificates, 100,000 chips (three in four with
/// certificate PEMs).
/// </summary>
public sealed class Seeder(GrpcChannel channel, string connectionString, BenchmarkCertificates certificates)
{
    public const string Password = "Bench-password-1";
    private const int Partners = 1_000;
    private const int Chips = 100_000;

    /// <summary>The provider whose list is long enough for page 1,000 at 50 a page (it owns 51,000 chips).</summary>
    public const int BigProviderChips = 51_000;

    public async Task<Metadata> SignInAsync(string username, string password)
    {
        var login = await new PartnerService.PartnerServiceClient(channel).LoginAsync(new LoginRequest { Username = username, Password = password });
        return new Metadata { { "authorization", $"Bearer {login.AccessToken}" } };
    }

    public async Task UploadTrustStoreAsync(Metadata admin)
    {
        await new TrustStoreService.TrustStoreServiceClient(channel).UploadCaCertificateAsync(new UploadCaCertificateRequest
        {
            PartnerDomain = PartnerDomain.Ftm,
            CertificateData = ByteString.CopyFromUtf8(certificates.CaBundlePem),
        }, admin);
    }

    /// <summary>Registers provider 0 through the API, then copies it in SQL into providers 1–999 and adds the chips.</summary>
    public async Task SeedAsync()
    {
        var partners = new PartnerService.PartnerServiceClient(channel);
        var template = Username(0);
        await partners.RegisterPartnerAsync(new RegisterPartnerRequest
        {
            PartnerType = PartnerType.FtmProvider,
            FirstName = "Bench",
            LastName = "Provider",
            OrganizationName = Organization(0),
            Address = "1 Benchmark Road",
            PhoneNumber = "+10000000000",
            Email = "bench0000@example.org",
            Username = template,
            Password = Password,
        });
        var auth = await SignInAsync(template, Password);
        var terms = await partners.GetTermsAndConditionsAsync(new GetTermsAndConditionsRequest(), auth);
        await partners.AcceptTermsAndConditionsAsync(new AcceptTermsAndConditionsRequest { Version = terms.Version }, auth);
        await partners.UploadPartnerCertificateAsync(new UploadPartnerCertificateRequest
        {
            CertificateData = ByteString.CopyFrom(certificates.Leaf("Bench partner 0", Organization(0))),
        }, auth);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Whole rows are copied through jsonb, so columns added later (by other migrations) are copied too.
        await ExecuteAsync(connection, $"""
            CREATE TEMP TABLE bench_partner AS
              SELECT n, gen_random_uuid() AS partner_id, gen_random_uuid() AS user_id
              FROM generate_series(1, {Partners - 1}) AS n;

            INSERT INTO partners
            SELECT (jsonb_populate_record(NULL::partners, to_jsonb(p) || jsonb_build_object(
                'id', b.partner_id,
                'organization_name', 'Bench Org ' || lpad(b.n::text, 4, '0'),
                'email_lookup_hash', '\x' || encode(uuid_send(b.partner_id), 'hex')))).*
            FROM partners p CROSS JOIN bench_partner b
            WHERE p.organization_name = '{Organization(0)}';

            INSERT INTO users
            SELECT (jsonb_populate_record(NULL::users, to_jsonb(u) || jsonb_build_object(
                'id', b.user_id,
                'partner_id', b.partner_id,
                'username', 'bench' || lpad(b.n::text, 4, '0'),
                'normalized_username', 'BENCH' || lpad(b.n::text, 4, '0')))).*
            FROM users u CROSS JOIN bench_partner b
            WHERE u.username = '{template}';

            INSERT INTO partner_certificates
            SELECT (jsonb_populate_record(NULL::partner_certificates, to_jsonb(c) || jsonb_build_object(
                'id', gen_random_uuid(),
                'partner_id', b.partner_id,
                'uploaded_by', b.user_id))).*
            FROM partner_certificates c
            JOIN partners p ON p.id = c.partner_id AND p.organization_name = '{Organization(0)}'
            CROSS JOIN bench_partner b
            WHERE c.is_current;

            -- Provider 0 owns {BigProviderChips:N0} chips; the others share the rest. Statuses and dates vary as in life, and
            -- so do certificates: every chip past PENDING_CERT_UPLOAD (three in four) carries a CA-signed and a MOSIP-signed
            -- PEM of real size (provider 0's partner certificate pair, about 1.5 KB each), as uploaded chips do.
            INSERT INTO ftm_chips (id, partner_id, organization_name, make, model, status, created_at, updated_at,
                                   ca_signed_certificate_pem, mosip_signed_certificate_pem, certificate_uploaded_at,
                                   ca_signed_not_after, mosip_signed_not_before, mosip_signed_not_after)
            SELECT gen_random_uuid(), p.id, p.organization_name,
                   'Make ' || (n % 7), 'Model ' || n, 1 + (n % 4),
                   now() - make_interval(secs => n), now() - make_interval(secs => n),
                   CASE WHEN n % 4 <> 0 THEN t.ca_signed_certificate_pem END,
                   CASE WHEN n % 4 <> 0 THEN t.mosip_signed_certificate_pem END,
                   CASE WHEN n % 4 <> 0 THEN now() - make_interval(secs => n) END,
                   CASE WHEN n % 4 <> 0 THEN t.ca_signed_not_after END,
                   CASE WHEN n % 4 <> 0 THEN t.mosip_signed_not_before END,
                   CASE WHEN n % 4 <> 0 THEN t.mosip_signed_not_after END
            FROM generate_series(1, {Chips}) AS n
            JOIN partners p ON p.organization_name = CASE
                WHEN n <= {BigProviderChips} THEN '{Organization(0)}'
                ELSE 'Bench Org ' || lpad((1 + (n - {BigProviderChips}) % {Partners - 1})::text, 4, '0') END
            CROSS JOIN (SELECT c.* FROM partner_certificates c JOIN partners tp ON tp.id = c.partner_id
                        WHERE tp.organization_name = '{Organization(0)}' AND c.is_current) AS t;
            """);
        await ExecuteAsync(connection, "VACUUM ANALYZE");
    }

    /// <summary>Signs providers 0..count-1 in (in parallel, a few at a time: each sign-in hashes a password).</summary>
    public async Task<BenchProvider[]> SignInProvidersAsync(int count)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var chipIds = new Dictionary<string, List<string>>();
        await using (var command = new NpgsqlCommand("""
            SELECT p.organization_name, c.id::text
            FROM ftm_chips c JOIN partners p ON p.id = c.partner_id
            WHERE p.organization_name = ANY(@organizations)
            ORDER BY c.created_at DESC
            """, connection))
        {
            command.Parameters.AddWithValue("organizations", Enumerable.Range(0, count).Select(Organization).ToArray());
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var organization = reader.GetString(0);
                if (!chipIds.TryGetValue(organization, out var ids))
                {
                    chipIds[organization] = ids = [];
                }

                if (ids.Count < 1_000)
                {
                    ids.Add(reader.GetString(1));
                }
            }
        }

        var providers = new BenchProvider[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var organization = Organization(i);
            providers[i] = new BenchProvider(Username(i), organization, await SignInAsync(Username(i), Password),
                chipIds.GetValueOrDefault(organization) ?? [], ByteString.CopyFrom(certificates.Leaf($"Bench partner {i}", organization)));
        });
        return providers;
    }

    private static string Username(int n) => "bench" + n.ToString("0000", CultureInfo.InvariantCulture);

    private static string Organization(int n) => "Bench Org " + n.ToString("0000", CultureInfo.InvariantCulture);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        await command.ExecuteNonQueryAsync();
    }
}
