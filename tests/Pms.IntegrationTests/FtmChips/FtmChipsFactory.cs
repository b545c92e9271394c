using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Identity;
using Pms.IntegrationTests.Infrastructure;
using Pms.Testing;
using V1 = Mosip.Pms.V1;

namespace Pms.IntegrationTests.FtmChips;

/// <summary>An FTM provider, registered, signed in and (by default) with accepted terms and a partner certificate.</summary>
public sealed record TestProvider(Guid PartnerId, string Username, string Password, string Organization, string Email, Metadata Auth);

/// <summary>What a new provider has done so far; by default everything that lets it work with chips.</summary>
public sealed class ProviderOptions
{
    public bool AcceptTerms { get; set; } = true;
    public bool UploadCertificate { get; set; } = true;
    /// <summary>Moves the MOSIP-signed partner certificate's notAfter (PMS issues it for one year).</summary>
    public DateTimeOffset? MosipSignedNotAfter { get; set; }
}

/// <summary>
/// PMS with an FTM trust store (a ROOT and an INTERMEDIATE, as the admin uploads them), a mail server of its own, and
/// FTM providers onboarded through PartnerService as the portal does it.
/// </summary>
public class FtmChipsFactory : PmsWithMailFactory, IAsyncLifetime
{
    public TestCertificate FtmRoot { get; } = TestCertificates.Root("FTM Root CA", o =>
    {
        o.KeyType = TestKeyType.EcP256;
        o.Organization = "FTM Trust";
    });

    public TestCertificate FtmIntermediate => _intermediate ??= FtmRoot.Issue("FTM Sub CA", o => o.KeyType = TestKeyType.EcP256);

    private TestCertificate? _intermediate;

    public V1.FtmChipService.FtmChipServiceClient Chips => new(Channel);

    public V1.AuditService.AuditServiceClient Audit => new(Channel);

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        var rootId = await this.AddCaCertificateAsync(PartnerDomain.Ftm, FtmRoot);
        await this.AddCaCertificateAsync(PartnerDomain.Ftm, FtmIntermediate, rootId);
        await ArrangeAsync();
    }

    /// <summary>Runs once the trust store is seeded: what a derived fixture needs before its first test.</summary>
    protected virtual Task ArrangeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync();

    public Task<Metadata> AdminAsync() => this.AdminAuthAsync();

    /// <summary>A chip certificate for the organisation, from the FTM intermediate (EC P-256, two years).</summary>
    public TestCertificate ChipCertificate(string organization, Action<CertificateOptions>? configure = null) =>
        FtmIntermediate.IssueLeaf("chip " + Guid.NewGuid().ToString("N")[..6], o =>
        {
            o.KeyType = TestKeyType.EcP256;
            o.Organization = organization;
            configure?.Invoke(o);
        });

    /// <summary>Registers an FTM provider, signs it in, accepts the terms and uploads its partner certificate.</summary>
    public async Task<TestProvider> NewProviderAsync(Action<ProviderOptions>? configure = null, string? organization = null)
    {
        var options = new ProviderOptions();
        configure?.Invoke(options);
        var signedIn = await this.SignInNewPartnerAsync(acceptTerms: options.AcceptTerms, organization: organization);
        var provider = new TestProvider(Guid.Parse(signedIn.Partner.PartnerId), signedIn.Registration.Username, signedIn.Password,
            signedIn.Partner.OrganizationName, signedIn.Registration.Email, signedIn.Auth);

        if (options.AcceptTerms && options.UploadCertificate)
        {
            var certificate = FtmIntermediate.IssueLeaf("partner", o =>
            {
                o.KeyType = TestKeyType.EcP256;
                o.Organization = provider.Organization;
            });
            await Partners.UploadPartnerCertificateAsync(
                new V1.UploadPartnerCertificateRequest { CertificateData = ByteString.CopyFrom(certificate.Der) }, provider.Auth);
            if (options.MosipSignedNotAfter is { } notAfter)
            {
                await WithDbAsync(db => db.PartnerCertificates.Where(c => c.PartnerId == provider.PartnerId && c.IsCurrent)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.MosipSignedNotAfter, notAfter)));
            }
        }
        return provider;
    }

    /// <summary>A fresh access token for the provider (after the clock moved past the old one's lifetime).</summary>
    public async Task<TestProvider> SignInAgainAsync(TestProvider provider) =>
        provider with { Auth = Bearer((await LoginAsync(provider.Username, provider.Password)).AccessToken) };

    /// <summary>A signed-in user of an internal service (PMS_SERVICE): such accounts are provisioned, not registered.</summary>
    public async Task<Metadata> ServiceAsync()
    {
        var username = "svc-" + Guid.NewGuid().ToString("N")[..8];
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));
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
            user.PasswordHash = scope.ServiceProvider.GetRequiredService<IPasswordHasher<UserAccount>>().HashPassword(user, password);
            db.Users.Add(user);
            await db.SaveChangesAsync();
        }
        return Bearer((await LoginAsync(username, password)).AccessToken);
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

    /// <summary>
    /// The chip's audit trail in commit order. A transition's transaction gets its id (xmin of its rows) when it first
    /// writes, which is after it read the chip, so after the previous transition of that chip committed.
    /// </summary>
    public Task<List<(string Action, string? From, string? To, string Actor, string? Comment)>> ChipHistoryAsync(string chipId) =>
        WithDbAsync(async db => (await db.AuditEvents.FromSqlInterpolated(
                $"SELECT * FROM audit_events WHERE resource_type = 'ftm_chip' AND resource_id = {chipId} ORDER BY xmin::text::bigint, occurred_at")
            .AsNoTracking().ToListAsync())
            .Select(e => (e.Action, e.FromStatus, e.ToStatus, e.ActorUsername, e.Comment)).ToList());
}
