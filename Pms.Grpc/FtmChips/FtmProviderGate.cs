using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
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

/// <summary>The partner service's own consent and deactivation gate (<see cref="PartnerAccess"/>), plus what FTM services add.</summary>
public sealed class FtmProviderGate(PartnerAccess access, PmsDbContext db, TimeProvider time) : IFtmProviderGate
{
    public async Task<Partner> RequireProviderAsync(CurrentUser caller, CancellationToken cancellationToken) =>
        RequireFtmProvider(await access.RequireActivePartnerWithConsentAsync(caller, cancellationToken));

    public async Task<Partner> RequireProviderForReadingAsync(CurrentUser caller, CancellationToken cancellationToken) =>
        RequireFtmProvider(await access.RequireActivePartnerWithConsentForReadingAsync(caller, cancellationToken));

    private static Partner RequireFtmProvider(Partner partner)
    {
        if (partner.PartnerType != PartnerType.FtmProvider)
        {
            PmsErrors.PermissionDenied("ROLE_NOT_ALLOWED", "FTM chips are for FTM providers only.");
        }
        return partner;
    }

    public async Task<Partner> RequireCertifiedProviderAsync(CurrentUser caller, CancellationToken cancellationToken)
    {
        var partner = await RequireProviderAsync(caller, cancellationToken);
        var mosipSignedNotAfter = await db.PartnerCertificates
            .Where(c => c.PartnerId == partner.Id && c.IsCurrent)
            .Select(c => (DateTimeOffset?)c.MosipSignedNotAfter)
            .FirstOrDefaultAsync(cancellationToken);
        if (mosipSignedNotAfter is null)
        {
            PmsErrors.FailedPrecondition("PARTNER_CERTIFICATE_REQUIRED",
                "Upload your partner certificate first: FTM services need a MOSIP-signed partner certificate.");
        }
        if (mosipSignedNotAfter <= time.GetUtcNow())
        {
            PmsErrors.FailedPrecondition("PARTNER_CERTIFICATE_EXPIRED",
                $"Your MOSIP-signed partner certificate expired on {mosipSignedNotAfter:u}; re-upload your partner certificate so that FTM services can function.");
        }
        return partner;
    }
}
