using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;

namespace Pms.Grpc.Partners;

/// <summary>
/// The one gate every partner-facing operation passes. Access tokens live for minutes after a deactivation or a
/// new version of the terms, so the partner's state is read from the database, not from the token: on every call
/// that writes, and at most <see cref="PartnerAccessCache.Lifetime"/> ago (or since the last change) for calls that
/// only read.
/// </summary>
public sealed class PartnerAccess(PmsDbContext db, ConsentPolicy consent, PartnerAccessCache? cache = null)
{
    /// <summary>
    /// The caller's partner (tracked), for the calls a partner may make before accepting the terms: the terms
    /// themselves, GetCurrentPartner, ChangePassword. Refuses callers that are not partners (PERMISSION_DENIED
    /// <c>ROLE_NOT_ALLOWED</c>) and DEACTIVATED partners (FAILED_PRECONDITION <c>PARTNER_DEACTIVATED</c>).
    /// </summary>
    public async Task<Partner> RequirePartnerAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        var partnerId = user.RequirePartnerId();
        return RequireNotDeactivated(await db.Partners.FirstOrDefaultAsync(p => p.Id == partnerId, cancellationToken));
    }

    /// <summary>
    /// As <see cref="RequirePartnerAsync"/>, and the partner must have accepted the current terms and conditions
    /// (FAILED_PRECONDITION <c>CONSENT_REQUIRED</c> otherwise). "Active" means not DEACTIVATED: an IN_PROGRESS
    /// partner passes, since it needs these calls to upload the certificate that makes it ACTIVE. Every partner
    /// RPC except the terms, GetCurrentPartner, sign-in/out and ChangePassword starts with this.
    /// </summary>
    public async Task<Partner> RequireActivePartnerWithConsentAsync(CurrentUser user, CancellationToken cancellationToken) =>
        RequireConsent(await RequirePartnerAsync(user, cancellationToken));

    /// <summary>
    /// The same checks as <see cref="RequireActivePartnerWithConsentAsync"/> for calls that only read: the partner
    /// comes from <see cref="PartnerAccessCache"/> when it was read recently, detached. Never modify what it returns.
    /// </summary>
    public async Task<Partner> RequireActivePartnerWithConsentForReadingAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        var partnerId = user.RequirePartnerId();
        if (cache is null || !cache.TryGet(partnerId, out var partner))
        {
            partner = await db.Partners.AsNoTracking().FirstOrDefaultAsync(p => p.Id == partnerId, cancellationToken);
            if (partner is not null)
            {
                cache?.Set(partner);
            }
        }

        return RequireConsent(RequireNotDeactivated(partner));
    }

    private static Partner RequireNotDeactivated(Partner? partner)
    {
        if (partner is null)
        {
            throw PmsErrors.Unauthenticated("INVALID_TOKEN", "The access token names a partner that does not exist; sign in again.");
        }
        if (partner.Status == PartnerStatus.Deactivated)
        {
            throw PmsErrors.FailedPrecondition("PARTNER_DEACTIVATED",
                "This partner is deactivated. Ask the partner admin to activate it again.");
        }
        return partner;
    }

    private Partner RequireConsent(Partner partner)
    {
        if (!consent.HasCurrentConsent(partner))
        {
            throw PmsErrors.FailedPrecondition("CONSENT_REQUIRED",
                $"Accept the current terms and conditions (version {ConsentPolicy.CurrentVersion}) first: " +
                "read them with GetTermsAndConditions, then call AcceptTermsAndConditions.");
        }
        return partner;
    }
}
