using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pms.Grpc.Certificates;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Infrastructure;

namespace Pms.Grpc.Partners;

/// <summary>
/// The CA certificates a partner or chip certificate must chain to. Partner uploads need only this from the
/// trust store; TrustStoreService's implementation can take its place.
/// </summary>
public interface ITrustAnchors
{
    /// <summary>The stored ROOT and INTERMEDIATE certificates of one domain, ready for path building.</summary>
    Task<DomainTrustStore> GetDomainStoreAsync(PartnerDomain domain, CancellationToken cancellationToken);
}

/// <summary>PMS's signing CA, as partner and chip uploads use it: to issue the MOSIP-signed copy of an accepted certificate.</summary>
public interface IMosipSigner
{
    /// <summary>Same subject and public key, issued by PMS's signing CA, valid from now for one year.</summary>
    Task<ParsedCertificate> IssueAsync(ParsedCertificate accepted, CancellationToken cancellationToken);
}

/// <summary>Reads a domain's trust store from <c>ca_certificates</c>, parsing the stored DER.</summary>
public sealed class DatabaseTrustAnchors(PmsDbContext db) : ITrustAnchors
{
    public async Task<DomainTrustStore> GetDomainStoreAsync(PartnerDomain domain, CancellationToken cancellationToken)
    {
        var rows = await db.CaCertificates.AsNoTracking()
            .Where(c => c.PartnerDomain == domain)
            .Select(c => new { c.Id, c.Type, c.Der })
            .ToListAsync(cancellationToken);
        return DomainTrustStore.Create(domain.ToString().ToUpperInvariant(), rows.Select(r => new TrustStoreEntry(
            r.Id,
            CertificateParser.ParseSingle(r.Der),
            r.Type == CaCertificateType.Root ? CaCertificateKind.Root : CaCertificateKind.Intermediate)));
    }
}

/// <summary>
/// The active signing CA of <c>signing_authority_keys</c>, created on first use (RSA 3072, private key sealed
/// with a key derived from PMS's master key for the purpose "signing-ca-private-key"). Replicas racing to create
/// it meet on the table's one-active-key index: one wins, the others load its key.
/// </summary>
public sealed class DatabaseMosipSigner(
    PmsDbContext db,
    PmsSecrets secrets,
    LoadedSigningAuthority loaded,
    TimeProvider time,
    ILogger<DatabaseMosipSigner> logger) : IMosipSigner
{
    public const string KeyPurpose = "signing-ca-private-key";

    public async Task<ParsedCertificate> IssueAsync(ParsedCertificate accepted, CancellationToken cancellationToken) =>
        (await GetAuthorityAsync(cancellationToken)).IssueMosipSignedCertificate(accepted);

    private async Task<SigningAuthority> GetAuthorityAsync(CancellationToken cancellationToken)
    {
        var protector = new PrivateKeyProtector(Convert.ToBase64String(secrets.DeriveKey(KeyPurpose)));
        var row = await db.SigningAuthorityKeys.AsNoTracking().FirstOrDefaultAsync(k => k.IsActive, cancellationToken);
        if (row is not null)
        {
            return loaded.GetOrLoad(row.Id, () => SigningAuthority.Load(row.CertificatePem, row.EncryptedPrivateKey, protector, time));
        }

        var created = SigningAuthority.Create(time);
        var newRow = new SigningAuthorityKey
        {
            Id = Guid.CreateVersion7(),
            CertificatePem = created.CertificatePem,
            EncryptedPrivateKey = created.ExportProtectedPrivateKey(protector),
            CreatedAt = time.GetUtcNowForDatabase(),
            IsActive = true,
        };
        db.SigningAuthorityKeys.Add(newRow);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Created PMS's signing CA '{Subject}'", created.Certificate.Subject);
            return loaded.GetOrLoad(newRow.Id, () => created);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.Entry(newRow).State = EntityState.Detached;
            var winner = await db.SigningAuthorityKeys.AsNoTracking().FirstAsync(k => k.IsActive, cancellationToken);
            return loaded.GetOrLoad(winner.Id, () => SigningAuthority.Load(winner.CertificatePem, winner.EncryptedPrivateKey, protector, time));
        }
    }
}

/// <summary>The signing CA last loaded, kept so its key is decrypted once, not on every upload.</summary>
public sealed class LoadedSigningAuthority
{
    private readonly Lock _gate = new();
    private (Guid Id, SigningAuthority Authority)? _current;

    public SigningAuthority GetOrLoad(Guid id, Func<SigningAuthority> load)
    {
        lock (_gate)
        {
            if (_current is { } current && current.Id == id)
            {
                return current.Authority;
            }
        }
        var authority = load();
        lock (_gate)
        {
            _current = (id, authority);
        }
        return authority;
    }
}
