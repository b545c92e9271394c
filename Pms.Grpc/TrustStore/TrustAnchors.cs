using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Certificates;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;

namespace Pms.Grpc.TrustStore;

/// <summary>
/// The trust store of each partner domain as an immutable <see cref="DomainTrustStore"/> snapshot, parsed once
/// and shared by every call (VerifyCertificateTrust, partner and FTM chip uploads). Uploads call
/// <see cref="Invalidate"/>; other replicas learn of changes through PostgreSQL LISTEN/NOTIFY.
/// </summary>
public interface ITrustAnchors
{
    ValueTask<DomainTrustStore> GetAsync(PartnerDomain domain, CancellationToken cancellationToken);

    /// <summary>Drops the cached snapshot of a domain so the next call reads the database again.</summary>
    void Invalidate(PartnerDomain domain);
}

public sealed class TrustAnchors(IServiceScopeFactory scopes) : ITrustAnchors
{
    private readonly ConcurrentDictionary<PartnerDomain, Lazy<Task<DomainTrustStore>>> _snapshots = new();

    public async ValueTask<DomainTrustStore> GetAsync(PartnerDomain domain, CancellationToken cancellationToken)
    {
        var entry = _snapshots.GetOrAdd(domain, d => new Lazy<Task<DomainTrustStore>>(() => LoadAsync(d)));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch when (entry.Value.IsFaulted)
        {
            // A failed load (database down) must not stick: the next call tries again.
            _snapshots.TryRemove(new KeyValuePair<PartnerDomain, Lazy<Task<DomainTrustStore>>>(domain, entry));
            throw;
        }
    }

    public void Invalidate(PartnerDomain domain) => _snapshots.TryRemove(domain, out _);

    private async Task<DomainTrustStore> LoadAsync(PartnerDomain domain)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
        var rows = await db.CaCertificates.AsNoTracking()
            .Where(c => c.PartnerDomain == domain)
            .Select(c => new { c.Id, c.Type, c.Der })
            .ToListAsync();
        return DomainTrustStore.Create(domain.ToString().ToUpperInvariant(), rows.Select(r => new TrustStoreEntry(
            r.Id,
            CertificateParser.ParseSingle(r.Der),
            r.Type == CaCertificateType.Root ? CaCertificateKind.Root : CaCertificateKind.Intermediate)));
    }
}
