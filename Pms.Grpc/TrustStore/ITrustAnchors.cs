using Pms.Grpc.Certificates;
using Pms.Grpc.Data.Entities;

namespace Pms.Grpc.TrustStore;

/// <summary>
/// The trust store of each partner domain as an immutable <see cref="DomainTrustStore"/> snapshot, parsed once
/// and shared by every call (VerifyCertificateTrust, partner and FTM chip uploads). Uploads call
/// <see cref="Invalidate"/>; other replicas learn of changes through PostgreSQL LISTEN/NOTIFY
/// (<see cref="TrustStoreChangeListener"/>), with a periodic version check as a safety net.
/// </summary>
public interface ITrustAnchors
{
    ValueTask<DomainTrustStore> GetAsync(PartnerDomain domain, CancellationToken cancellationToken);

    /// <summary>Drops the cached snapshot of a domain so the next call reads the database again.</summary>
    void Invalidate(PartnerDomain domain);
}
