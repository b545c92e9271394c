using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;
using Pms.Grpc.Partners;

namespace Pms.Grpc.FtmChips;

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
            throw PmsErrors.PermissionDenied("ROLE_NOT_ALLOWED", "FTM chips are for FTM providers only.");
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
            throw PmsErrors.FailedPrecondition("PARTNER_CERTIFICATE_REQUIRED",
                "Upload your partner certificate first: FTM services need a MOSIP-signed partner certificate.");
        }
        if (mosipSignedNotAfter <= time.GetUtcNow())
        {
            throw PmsErrors.FailedPrecondition("PARTNER_CERTIFICATE_EXPIRED",
                $"Your MOSIP-signed partner certificate expired on {mosipSignedNotAfter:u}; re-upload your partner certificate so that FTM services can function.");
        }
        return partner;
    }
}
