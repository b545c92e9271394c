using System.Diagnostics.Metrics;
using Pms.Grpc.Data.Entities;

namespace Pms.Grpc.TrustStore;

/// <summary>
/// The trust store's counters on the <c>Pms.TrustStore</c> meter (shown by the Aspire dashboard): trust answers by
/// domain and verdict, snapshot loads, and invalidations by cause (upload, notification, version check, reconnect).
/// </summary>
public sealed class TrustStoreMetrics
{
    public const string MeterName = "Pms.TrustStore";

    private static readonly object True = true;
    private static readonly object False = false;

    private readonly Counter<long> _verifications;
    private readonly Counter<long> _snapshotLoads;
    private readonly Counter<long> _invalidations;

    public TrustStoreMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _verifications = meter.CreateCounter<long>("pms.trust_store.verifications", "{call}", "VerifyCertificateTrust answers.");
        _snapshotLoads = meter.CreateCounter<long>("pms.trust_store.snapshot_loads", "{load}", "Trust store snapshots read from the database.");
        _invalidations = meter.CreateCounter<long>("pms.trust_store.invalidations", "{invalidation}", "Cached trust store snapshots dropped.");
    }

    public void Verified(PartnerDomain domain, bool trusted) =>
        _verifications.Add(1, new KeyValuePair<string, object?>("pms.partner_domain", TrustAnchors.DomainName(domain)),
            new KeyValuePair<string, object?>("pms.trusted", trusted ? True : False));

    public void SnapshotLoaded(PartnerDomain domain) =>
        _snapshotLoads.Add(1, new KeyValuePair<string, object?>("pms.partner_domain", TrustAnchors.DomainName(domain)));

    public void Invalidated(PartnerDomain domain, string cause) =>
        _invalidations.Add(1, new KeyValuePair<string, object?>("pms.partner_domain", TrustAnchors.DomainName(domain)),
            new KeyValuePair<string, object?>("pms.cause", cause));
}
