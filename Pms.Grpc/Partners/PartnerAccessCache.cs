using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Infrastructure;

namespace Pms.Grpc.Partners;

/// <summary>
/// The partner rows the access gate read recently, so that a read-only call (GetFtmChip, ListFtmChips) makes one
/// database round trip, not two. An entry lives at most <see cref="Lifetime"/>; a change to what the gate checks
/// (status, consent, organisation) drops it here at once and, through <c>NOTIFY pms_partner_access</c>, on every other
/// replica (<see cref="TrustStore.TrustStoreChangeListener"/> listens on the same connection as for trust store changes).
/// Writes never use this cache: they read the partner row in their own transaction.
/// </summary>
public sealed class PartnerAccessCache
{
    /// <summary>The PostgreSQL notification channel; the payload is the partner id.</summary>
    public const string Channel = "pms_partner_access";

    /// <summary>How stale a gate decision may be if a notification is lost (the listener was reconnecting).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private readonly BoundedLruCache<Guid, (Partner Partner, long LoadedAt)> _entries = new(10_000);

    /// <summary>A detached copy of the partner as recently read; never modify it.</summary>
    public bool TryGet(Guid partnerId, out Partner partner)
    {
        if (_entries.TryGet(partnerId, out var entry) && Stopwatch.GetElapsedTime(entry.LoadedAt) < Lifetime)
        {
            partner = entry.Partner;
            return true;
        }

        partner = null!;
        return false;
    }

    public void Set(Partner detached) => _entries.Set(detached.Id, (detached, Stopwatch.GetTimestamp()));

    public void Invalidate(Guid partnerId) => _entries.Remove(partnerId);

    /// <summary>Forgets everything (the listener reconnected: notifications may have been missed).</summary>
    public void InvalidateAll() => _entries.Clear();

    /// <summary>
    /// After a committed change of what the gate checks: forgets the partner here and tells the other replicas.
    /// </summary>
    public async Task PublishChangeAsync(PmsDbContext db, Guid partnerId, CancellationToken cancellationToken)
    {
        Invalidate(partnerId);
        await db.Database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, {partnerId.ToString()})", cancellationToken);
    }
}
