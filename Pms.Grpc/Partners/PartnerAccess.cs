using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;

namespace Pms.Grpc.Partners;

/// <summary>
/// The one gate every partner-facing operation passes. Access tokens live for minutes after a deactivation or a
/// new version of the terms, so the partner's state is read from the database on every call, not from the token.
/// </summary>
public sealed class PartnerAccess(PmsDbContext db, ConsentPolicy consent)
{
    /// <summary>
    /// The caller's partner (tracked), for the calls a partner may make before accepting the terms: the terms
    /// themselves, GetCurrentPartner, ChangePassword. Refuses callers that are not partners (PERMISSION_DENIED
    /// <c>ROLE_NOT_ALLOWED</c>) and DEACTIVATED partners (FAILED_PRECONDITION <c>PARTNER_DEACTIVATED</c>).
    /// </summary>
    public async Task<Partner> RequirePartnerAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        var partnerId = user.RequirePartnerId();
        var partner = await db.Partners.FirstOrDefaultAsync(p => p.Id == partnerId, cancellationToken);
        if (partner is null)
        {
            PmsErrors.Unauthenticated("INVALID_TOKEN", "The access token names a partner that does not exist; sign in again.");
        }
        if (partner.Status == PartnerStatus.Deactivated)
        {
            PmsErrors.FailedPrecondition("PARTNER_DEACTIVATED",
                "This partner is deactivated. Ask the partner admin to activate it again.");
        }
        return partner;
    }

    /// <summary>
    /// As <see cref="RequirePartnerAsync"/>, and the partner must have accepted the current terms and conditions
    /// (FAILED_PRECONDITION <c>CONSENT_REQUIRED</c> otherwise). "Active" means not DEACTIVATED: an IN_PROGRESS
    /// partner passes, since it needs these calls to upload the certificate that makes it ACTIVE. Every partner
    /// RPC except the terms, GetCurrentPartner, sign-in/out and ChangePassword starts with this.
    /// </summary>
    public async Task<Partner> RequireActivePartnerWithConsentAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        var partner = await RequirePartnerAsync(user, cancellationToken);
        if (!consent.HasCurrentConsent(partner))
        {
            PmsErrors.FailedPrecondition("CONSENT_REQUIRED",
                $"Accept the current terms and conditions (version {ConsentPolicy.CurrentVersion}) first: " +
                "read them with GetTermsAndConditions, then call AcceptTermsAndConditions.");
        }
        return partner;
    }
}
