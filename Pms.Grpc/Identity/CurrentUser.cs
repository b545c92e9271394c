using System.Security.Claims;
using Grpc.Core;
using Pms.Grpc.Errors;

namespace Pms.Grpc.Identity;

/// <summary>The caller of an RPC, read from the validated access token.</summary>
public sealed record CurrentUser(Guid UserId, string Username, IReadOnlySet<string> Roles, Guid? PartnerId)
{
    public bool IsAdmin => Roles.Contains(Identity.Roles.PartnerAdmin);
    public bool IsService => Roles.Contains(Identity.Roles.Service);
    public bool IsPartner => PartnerId is not null;
    /// <summary>The admin, or an internal service not acting for a partner: reads reach every partner's resources.</summary>
    public bool SeesEveryPartner => IsAdmin || (IsService && PartnerId is null);

    /// <summary>The partner the caller acts for; refuses callers that are not partners.</summary>
    public Guid RequirePartnerId() => PartnerId ?? throw PmsErrors.PermissionDenied(
        "ROLE_NOT_ALLOWED", "Only a registered partner may do this.");

    public static CurrentUser From(ClaimsPrincipal principal)
    {
        var subject = principal.FindFirst(PmsClaims.Subject)?.Value;
        if (!Guid.TryParse(subject, out var userId))
        {
            throw PmsErrors.Unauthenticated("AUTHENTICATION_REQUIRED",
                "Sign in first: send 'authorization: Bearer <access token>'.");
        }
        var partnerId = Guid.TryParse(principal.FindFirst(PmsClaims.PartnerId)?.Value, out var p) ? p : (Guid?)null;
        return new CurrentUser(
            userId,
            principal.FindFirst(PmsClaims.Name)?.Value ?? "",
            principal.FindAll(PmsClaims.Role).Select(c => c.Value).ToHashSet(),
            partnerId);
    }
}
