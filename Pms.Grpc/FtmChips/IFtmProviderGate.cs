using Pms.Grpc.Data.Entities;
using Pms.Grpc.Identity;
using Pms.Grpc.Partners;

namespace Pms.Grpc.FtmChips;

/// <summary>
/// What an FTM provider must satisfy before FtmChipService acts for it. Read from the database (for reads, at most a few
/// seconds ago, see <see cref="PartnerAccessCache"/>): access tokens outlive a deactivation, a new version of the terms,
/// or an expiring certificate.
/// </summary>
public interface IFtmProviderGate
{
    /// <summary>
    /// The caller's partner: an FTM provider, not DEACTIVATED (FAILED_PRECONDITION <c>PARTNER_DEACTIVATED</c>) and with
    /// the current terms accepted (<c>CONSENT_REQUIRED</c>). Reads, watching and deactivating need this much.
    /// </summary>
    Task<Partner> RequireProviderAsync(CurrentUser caller, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="RequireProviderAsync"/> for calls that only read (GetFtmChip, ListFtmChips, GetFtmChipCertificate):
    /// the partner may come from <see cref="PartnerAccessCache"/>, detached; never modify it.
    /// </summary>
    Task<Partner> RequireProviderForReadingAsync(CurrentUser caller, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="RequireProviderAsync"/>, and with a current MOSIP-signed partner certificate
    /// (<c>PARTNER_CERTIFICATE_REQUIRED</c>) that has not expired (<c>PARTNER_CERTIFICATE_EXPIRED</c>): adding chips and
    /// uploading their certificates need this.
    /// </summary>
    Task<Partner> RequireCertifiedProviderAsync(CurrentUser caller, CancellationToken cancellationToken);
}
