using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Certificates;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;

namespace Pms.Grpc.TrustStore;

/// <summary>
/// What a snapshot was built from. CA certificates are only ever added (never updated or deleted), so the row
/// count and the latest upload time change with every change of a domain's trust store.
/// </summary>
public readonly record struct TrustStoreVersion(int Count, DateTimeOffset? LastUploadedAt)
{
    public static readonly TrustStoreVersion Empty = new(0, null);
}

public sealed class TrustAnchors(IServiceScopeFactory scopes, TrustStoreMetrics metrics, ILogger<TrustAnchors> logger) : ITrustAnchors
{
    private sealed record Snapshot(DomainTrustStore Store, TrustStoreVersion Version);

    private readonly ConcurrentDictionary<PartnerDomain, Lazy<Task<Snapshot>>> _snapshots = new();

    /// <summary>The name a domain's trust store uses in messages and NOTIFY payloads: FTM, DEVICE, AUTH.</summary>
    public static string DomainName(PartnerDomain domain) => domain switch
    {
        PartnerDomain.Ftm => "FTM",
        PartnerDomain.Device => "DEVICE",
        PartnerDomain.Auth => "AUTH",
        _ => throw new ArgumentOutOfRangeException(nameof(domain), domain, null),
    };

    public static bool TryParseDomainName(string name, out PartnerDomain domain)
    {
        foreach (var candidate in Enum.GetValues<PartnerDomain>())
        {
            if (string.Equals(DomainName(candidate), name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                domain = candidate;
                return true;
            }
        }

        domain = default;
        return false;
    }

    public async ValueTask<DomainTrustStore> GetAsync(PartnerDomain domain, CancellationToken cancellationToken) =>
        (await GetSnapshotAsync(domain, cancellationToken)).Store;

    public void Invalidate(PartnerDomain domain) => Invalidate(domain, "requested");

    /// <summary>Drops the cached snapshot of a domain; <paramref name="cause"/> is for logs and metrics ("upload", "notification", ...).</summary>
    public void Invalidate(PartnerDomain domain, string cause)
    {
        if (_snapshots.TryRemove(domain, out _))
        {
            metrics.Invalidated(domain, cause);
            logger.LogDebug("Trust store snapshot of {Domain} invalidated ({Cause})", DomainName(domain), cause);
        }
    }

    /// <summary>Drops every cached snapshot (e.g. after the change listener reconnects and may have missed notifications).</summary>
    public void InvalidateAll(string cause)
    {
        foreach (var domain in _snapshots.Keys)
        {
            Invalidate(domain, cause);
        }
    }

    /// <summary>
    /// The snapshot of a domain as the database holds it now: one cheap version query, and a reload only if the
    /// cached snapshot is behind. For writers that must not decide on a stale store (uploads).
    /// </summary>
    public async Task<DomainTrustStore> GetCurrentAsync(PartnerDomain domain, CancellationToken cancellationToken)
    {
        var stored = (await ReadVersionsAsync(domain, cancellationToken)).GetValueOrDefault(domain, TrustStoreVersion.Empty);
        for (var attempt = 0; ; attempt++)
        {
            var snapshot = await GetSnapshotAsync(domain, cancellationToken);
            if (snapshot.Version == stored || attempt == 2)
            {
                // After a reload the snapshot is at least as new as the version read above; a third mismatch means
                // someone wrote in between, which the caller's lock rules out for its own domain.
                return snapshot.Store;
            }

            Invalidate(domain, "stale");
        }
    }

    /// <summary>
    /// The safety net behind LISTEN/NOTIFY: compares each cached snapshot with the database (one grouped query)
    /// and drops those that are behind. Returns the domains it invalidated.
    /// </summary>
    public async Task<IReadOnlyList<PartnerDomain>> InvalidateChangedAsync(CancellationToken cancellationToken)
    {
        var cached = _snapshots
            .Where(s => s.Value.IsValueCreated && s.Value.Value.IsCompletedSuccessfully)
            .Select(s => (Domain: s.Key, Entry: s.Value))
            .ToList();
        if (cached.Count == 0)
        {
            return [];
        }

        var versions = await ReadVersionsAsync(null, cancellationToken);
        var stale = new List<PartnerDomain>();
        foreach (var (domain, entry) in cached)
        {
            if (entry.Value.Result.Version != versions.GetValueOrDefault(domain, TrustStoreVersion.Empty)
                && _snapshots.TryRemove(new KeyValuePair<PartnerDomain, Lazy<Task<Snapshot>>>(domain, entry)))
            {
                metrics.Invalidated(domain, "version_check");
                stale.Add(domain);
            }
        }

        if (stale.Count > 0)
        {
            logger.LogInformation("Trust store snapshots of {Domains} were behind the database (a change notification was missed); reloading",
                string.Join(", ", stale.Select(DomainName)));
        }

        return stale;
    }

    private async Task<Snapshot> GetSnapshotAsync(PartnerDomain domain, CancellationToken cancellationToken)
    {
        var entry = _snapshots.GetOrAdd(domain, d => new Lazy<Task<Snapshot>>(() => LoadAsync(d)));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch when (entry.Value.IsFaulted)
        {
            // A failed load (database down) must not stick: the next call tries again.
            _snapshots.TryRemove(new KeyValuePair<PartnerDomain, Lazy<Task<Snapshot>>>(domain, entry));
            throw;
        }
    }

    private async Task<Dictionary<PartnerDomain, TrustStoreVersion>> ReadVersionsAsync(PartnerDomain? only, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
        var rows = db.CaCertificates.AsNoTracking();
        if (only is { } domain)
        {
            rows = rows.Where(c => c.PartnerDomain == domain);
        }

        var versions = await rows
            .GroupBy(c => c.PartnerDomain)
            .Select(g => new { Domain = g.Key, Count = g.Count(), Last = g.Max(c => c.UploadedAt) })
            .ToListAsync(cancellationToken);
        return versions.ToDictionary(v => v.Domain, v => new TrustStoreVersion(v.Count, v.Last));
    }

    private async Task<Snapshot> LoadAsync(PartnerDomain domain)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
        var rows = await db.CaCertificates.AsNoTracking()
            .Where(c => c.PartnerDomain == domain)
            .Select(c => new { c.Id, c.Type, c.Der, c.UploadedAt })
            .ToListAsync();
        var store = DomainTrustStore.Create(DomainName(domain), rows.Select(r => new TrustStoreEntry(
            r.Id,
            CertificateParser.ParseSingle(r.Der),
            r.Type == CaCertificateType.Root ? CaCertificateKind.Root : CaCertificateKind.Intermediate)));
        // The version comes from the rows themselves, so it always describes exactly this snapshot.
        var version = rows.Count == 0 ? TrustStoreVersion.Empty : new TrustStoreVersion(rows.Count, rows.Max(r => r.UploadedAt));
        metrics.SnapshotLoaded(domain);
        logger.LogDebug("Loaded the {Domain} trust store: {Count} CA certificate(s)", DomainName(domain), rows.Count);
        return new Snapshot(store, version);
    }
}
