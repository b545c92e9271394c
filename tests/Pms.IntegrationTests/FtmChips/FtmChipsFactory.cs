using System.Collections.Concurrent;
using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pms.Grpc.Certificates;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.FtmChips.Expiry;
using Pms.Grpc.Identity;
using Pms.Grpc.TrustStore;
using Pms.IntegrationTests.Infrastructure;
using Pms.Testing;

namespace Pms.IntegrationTests.FtmChips;

/// <summary>An FTM provider seeded in the database and signed in.</summary>
public sealed record TestProvider(Guid PartnerId, Guid UserId, string Username, string Organization, string Email, Metadata Auth);

/// <summary>What a seeded provider looks like; by default ready to work with chips.</summary>
public sealed class ProviderOptions
{
    public bool ConsentGiven { get; set; } = true;
    public bool WithCertificate { get; set; } = true;
    /// <summary>notAfter of the MOSIP-signed partner certificate; default one year from now.</summary>
    public DateTimeOffset? MosipSignedNotAfter { get; set; }
}

/// <summary>
/// PMS with what FtmChipService needs and the partner service does not provide yet: an FTM trust store, FTM providers
/// (partner, user, consent, partner certificate) written straight to the database, a mail sink, and partner emails.
/// </summary>
public class FtmChipsFactory : PmsFactory, IAsyncLifetime
{
    public const string Password = "Provider-Password-1";

    private readonly SemaphoreSlim _trustGate = new(1, 1);
    private bool _trustSeeded;

    public SmtpSink Mail { get; } = new();

    public TestPartnerContacts Contacts { get; } = new();

    public TestCertificate FtmRoot { get; } = TestCertificates.Root("FTM Root CA", o =>
    {
        o.KeyType = TestKeyType.EcP256;
        o.Organization = "FTM Trust";
    });

    public TestCertificate FtmIntermediate => _intermediate ??= FtmRoot.Issue("FTM Sub CA", o => o.KeyType = TestKeyType.EcP256);

    private TestCertificate? _intermediate;

    public Mosip.Pms.V1.FtmChipService.FtmChipServiceClient Chips => new(Channel);

    public Mosip.Pms.V1.AuditService.AuditServiceClient Audit => new(Channel);

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        await EnsureTrustStoreAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        Mail.Dispose();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:mail", Mail.ConnectionString);
        builder.ConfigureTestServices(services => services.AddSingleton<IPartnerContacts>(Contacts));
    }

    public async Task<Metadata> AdminAsync() => Bearer((await LoginAsAdminAsync()).AccessToken);

    /// <summary>A chip certificate for the organisation, from the FTM intermediate (EC P-256, two years).</summary>
    public TestCertificate ChipCertificate(string organization, Action<CertificateOptions>? configure = null) =>
        FtmIntermediate.IssueLeaf("chip " + Guid.NewGuid().ToString("N")[..6], o =>
        {
            o.KeyType = TestKeyType.EcP256;
            o.Organization = organization;
            configure?.Invoke(o);
        });

    /// <summary>The FTM root and intermediate, as the partner admin would have uploaded them.</summary>
    public async Task EnsureTrustStoreAsync()
    {
        await _trustGate.WaitAsync();
        try
        {
            if (_trustSeeded)
            {
                return;
            }
            using var scope = Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
            var rootId = Guid.CreateVersion7();
            db.CaCertificates.Add(CaRow(rootId, FtmRoot, CaCertificateType.Root, null));
            db.CaCertificates.Add(CaRow(Guid.CreateVersion7(), FtmIntermediate, CaCertificateType.Intermediate, rootId));
            await db.SaveChangesAsync();
            scope.ServiceProvider.GetRequiredService<ITrustAnchors>().Invalidate(PartnerDomain.Ftm);
            _trustSeeded = true;
        }
        finally
        {
            _trustGate.Release();
        }
    }

    /// <summary>A registered FTM provider with its user, signed in.</summary>
    public async Task<TestProvider> NewProviderAsync(Action<ProviderOptions>? configure = null, string? organization = null)
    {
        var options = new ProviderOptions();
        configure?.Invoke(options);
        var tag = Guid.NewGuid().ToString("N")[..10];
        organization ??= $"Chip Works {tag}";
        var email = $"ops.{tag}@chipworks.example";
        var username = $"ftm-{tag}";
        var now = Time.GetUtcNow();

        using (var scope = Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
            var partner = new Partner
            {
                Id = Guid.CreateVersion7(),
                PartnerType = PartnerType.FtmProvider,
                FirstName = "Asha",
                LastName = "Rao",
                OrganizationName = organization,
                AddressEncrypted = RandomNumberGenerator.GetBytes(16),
                PhoneNumberEncrypted = RandomNumberGenerator.GetBytes(16),
                EmailEncrypted = RandomNumberGenerator.GetBytes(16),
                EmailLookupHash = RandomNumberGenerator.GetBytes(32),
                Status = PartnerStatus.Active,
                ConsentVersion = options.ConsentGiven ? ConsentPolicy.CurrentVersion : null,
                ConsentGivenAt = options.ConsentGiven ? now : null,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Partners.Add(partner);

            var user = new UserAccount
            {
                Id = Guid.CreateVersion7(),
                Username = username,
                NormalizedUsername = UserNames.Normalize(username),
                PasswordHash = "",
                Roles = [Roles.FtmProvider],
                PartnerId = partner.Id,
                CreatedAt = now,
            };
            user.PasswordHash = scope.ServiceProvider.GetRequiredService<IPasswordHasher<UserAccount>>().HashPassword(user, Password);
            db.Users.Add(user);

            if (options.WithCertificate)
            {
                var leaf = ChipCertificateLikePartner(organization);
                var parsed = CertificateParser.ParseSingle(leaf.Der);
                var mosipSigned = scope.ServiceProvider.GetRequiredService<IMosipSigner>().Authority.IssueMosipSignedCertificate(parsed);
                db.PartnerCertificates.Add(new PartnerCertificate
                {
                    Id = Guid.CreateVersion7(),
                    PartnerId = partner.Id,
                    CaSignedCertificatePem = leaf.Pem,
                    MosipSignedCertificatePem = mosipSigned.ToPem(),
                    Subject = mosipSigned.Subject,
                    Issuer = parsed.Issuer,
                    ThumbprintSha256 = parsed.ThumbprintSha256,
                    CaSignedNotBefore = parsed.NotBefore,
                    CaSignedNotAfter = parsed.NotAfter,
                    MosipSignedNotBefore = mosipSigned.NotBefore,
                    MosipSignedNotAfter = options.MosipSignedNotAfter ?? mosipSigned.NotAfter,
                    UploadedAt = now,
                    UploadedBy = user.Id,
                    IsCurrent = true,
                });
            }
            await db.SaveChangesAsync();
            Contacts.Set(partner.Id, new PartnerContact(email, "Asha Rao", organization));

            var login = await LoginAsync(username, Password);
            return new TestProvider(partner.Id, user.Id, username, organization, email, Bearer(login.AccessToken));
        }
    }

    /// <summary>A fresh access token for the provider (after the clock moved past the old one's lifetime).</summary>
    public async Task<TestProvider> SignInAgainAsync(TestProvider provider) =>
        provider with { Auth = Bearer((await LoginAsync(provider.Username, Password)).AccessToken) };

    /// <summary>A signed-in user of an internal service (PMS_SERVICE).</summary>
    public async Task<Metadata> ServiceAsync()
    {
        var username = "svc-" + Guid.NewGuid().ToString("N")[..8];
        using (var scope = Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
            var user = new UserAccount
            {
                Id = Guid.CreateVersion7(),
                Username = username,
                NormalizedUsername = UserNames.Normalize(username),
                PasswordHash = "",
                Roles = [Roles.Service],
                CreatedAt = Time.GetUtcNow(),
            };
            user.PasswordHash = scope.ServiceProvider.GetRequiredService<IPasswordHasher<UserAccount>>().HashPassword(user, Password);
            db.Users.Add(user);
            await db.SaveChangesAsync();
        }
        return Bearer((await LoginAsync(username, Password)).AccessToken);
    }

    /// <summary>Runs <paramref name="work"/> with a database context of its own.</summary>
    public async Task<T> WithDbAsync<T>(Func<PmsDbContext, Task<T>> work)
    {
        using var scope = Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<PmsDbContext>());
    }

    public Task WithDbAsync(Func<PmsDbContext, Task> work) => WithDbAsync(async db =>
    {
        await work(db);
        return 0;
    });

    /// <summary>The chip's audit trail, in commit order (the inserting transactions' ids grow with commit order here).</summary>
    public Task<List<(string Action, string? From, string? To, string Actor, string? Comment)>> ChipHistoryAsync(string chipId) =>
        WithDbAsync(async db => (await db.AuditEvents.FromSqlInterpolated(
                $"SELECT * FROM audit_events WHERE resource_type = 'ftm_chip' AND resource_id = {chipId} ORDER BY xmin::text::bigint, occurred_at")
            .AsNoTracking().ToListAsync())
            .Select(e => (e.Action, e.FromStatus, e.ToStatus, e.ActorUsername, e.Comment)).ToList());

    private TestCertificate ChipCertificateLikePartner(string organization) =>
        FtmIntermediate.IssueLeaf("partner " + organization, o =>
        {
            o.KeyType = TestKeyType.EcP256;
            o.Organization = organization;
        });

    private static CaCertificate CaRow(Guid id, TestCertificate certificate, CaCertificateType type, Guid? issuerId)
    {
        var parsed = CertificateParser.ParseSingle(certificate.Der);
        return new CaCertificate
        {
            Id = id,
            PartnerDomain = PartnerDomain.Ftm,
            Type = type,
            Subject = parsed.Subject,
            Issuer = parsed.Issuer,
            SerialNumber = parsed.SerialNumberHex,
            NotBefore = parsed.NotBefore,
            NotAfter = parsed.NotAfter,
            ThumbprintSha256 = parsed.ThumbprintSha256,
            IssuerCertificateId = issuerId,
            Der = parsed.Der.ToArray(),
            UploadedAt = DateTimeOffset.UtcNow,
            UploadedBy = AdminUsername,
        };
    }
}

/// <summary>Partner emails for the expiry job; the partner service keeps them encrypted, which these tests need not.</summary>
public sealed class TestPartnerContacts : IPartnerContacts
{
    private readonly ConcurrentDictionary<Guid, PartnerContact> _contacts = new();

    public void Set(Guid partnerId, PartnerContact contact) => _contacts[partnerId] = contact;

    public Task<PartnerContact?> FindAsync(Guid partnerId, CancellationToken cancellationToken) =>
        Task.FromResult(_contacts.TryGetValue(partnerId, out var contact) ? contact : null);
}
