using Pms.Grpc.Infrastructure;

namespace Pms.Grpc.Identity;

/// <summary>
/// Who may call an RPC: nobody signed in (<see cref="Anonymous"/>), anyone signed in (<see cref="SignedIn"/>), or the
/// roles listed (comma-separated, as <c>[Authorize(Roles = ...)]</c> takes them); the rate-limit policy, if any; and
/// whose resources the call reaches, with the place that decides it.
/// </summary>
public sealed record RpcRule(string Who, string? RateLimit, string Scope)
{
    public const string Anonymous = "anonymous";
    public const string SignedIn = "signed in";
}

/// <summary>
/// Every RPC's rule in one table, to read the whole authorization story in one place. The rule also sits beside each
/// RPC in the adapters (<c>Services/*GrpcService.cs</c>) as one attribute — <c>[AllowAnonymous]</c>, <c>[Authorize]</c>
/// or <c>[Authorize(Roles = Roles.X)]</c>, plus <c>[EnableRateLimiting]</c> — which is what ASP.NET Core enforces;
/// <c>RpcRulesTests</c> fails when an RPC of the protos has no row here or its attributes say anything else.
/// A caller outside every rule gets PERMISSION_DENIED <c>ROLE_NOT_ALLOWED</c>; an RPC with no attribute is refused by the
/// fallback policy (<see cref="AuthenticationExtensions"/>). Ownership: another partner's resource answers NOT_FOUND.
/// The one path that is not an RPC, <c>GET /v1/ftm-chips:watch</c> (FtmChipWatchOverHttp), takes WatchFtmChips's rule.
/// </summary>
public static class RpcRules
{
    private const string Partner = "mosip.pms.v1.PartnerService/";
    private const string TrustStore = "mosip.pms.v1.TrustStoreService/";
    private const string FtmChip = "mosip.pms.v1.FtmChipService/";
    private const string Audit = "mosip.pms.v1.AuditService/";

    private const string Self = "the caller's own account";
    private const string OwnPartner = "the caller's own partner (PartnerAccess: active, terms accepted)";
    private const string EveryPartner = "every partner (admin)";
    private const string SharedTrustStore = "the trust store, shared by all (no owner)";
    private const string ChipReaders =
        "admin and a service without partner: every chip; a provider: its own chips, others' answer NOT_FOUND (FtmChipQueries.VisiblePartnerAsync, FtmProviderGate)";
    private const string ChipWriters = "the state machine's actor rules (FtmChipStateMachine.ActorFor: Admin, Owner, OtherProvider → NOT_FOUND)";

    public static IReadOnlyDictionary<string, RpcRule> All { get; } = new Dictionary<string, RpcRule>(StringComparer.Ordinal)
    {
        [Partner + "Login"] = new(RpcRule.Anonymous, RateLimitPolicies.SignIn, Self),
        [Partner + "RefreshSession"] = new(RpcRule.Anonymous, RateLimitPolicies.Session, "the session the refresh token names"),
        [Partner + "Logout"] = new(RpcRule.Anonymous, RateLimitPolicies.Session, "the session the refresh token names"),
        [Partner + "RegisterPartner"] = new(RpcRule.Anonymous, RateLimitPolicies.Registration, "a new account"),
        [Partner + "RequestPasswordReset"] = new(RpcRule.Anonymous, RateLimitPolicies.PasswordReset, "the account the email names"),
        [Partner + "ResetPassword"] = new(RpcRule.Anonymous, RateLimitPolicies.PasswordReset, "the account the reset token names"),
        [Partner + "ChangePassword"] = new(RpcRule.SignedIn, null, Self),
        [Partner + "GetTermsAndConditions"] = new(RpcRule.SignedIn, null, "the current terms; a partner's own consent"),
        [Partner + "AcceptTermsAndConditions"] = new(Roles.AnyPartner, null, OwnPartner),
        [Partner + "GetCurrentPartner"] = new(Roles.AnyPartner, null, OwnPartner),
        [Partner + "UploadPartnerCertificate"] = new(Roles.AnyPartner, RateLimitPolicies.CertificateUpload, OwnPartner),
        [Partner + "GetPartnerCertificate"] = new(Roles.AnyPartnerOrAdmin, null,
            "admin: any partner; a partner: its own, another's answers NOT_FOUND (PartnerCertificates.GetAsync)"),
        [Partner + "ListPartners"] = new(Roles.PartnerAdmin, null, EveryPartner),
        [Partner + "GetPartner"] = new(Roles.PartnerAdmin, null, EveryPartner),
        [Partner + "DeactivatePartner"] = new(Roles.PartnerAdmin, null, EveryPartner),
        [Partner + "ActivatePartner"] = new(Roles.PartnerAdmin, null, EveryPartner),
        [Partner + "UpdateOrganizationName"] = new(Roles.PartnerAdmin, null, EveryPartner),

        [TrustStore + "UploadCaCertificate"] = new(Roles.PartnerAdmin, RateLimitPolicies.CertificateUpload, SharedTrustStore),
        [TrustStore + "ListCaCertificates"] = new(Roles.AdminOrService, null, SharedTrustStore),
        [TrustStore + "GetCaCertificate"] = new(Roles.AdminOrService, null, SharedTrustStore),
        [TrustStore + "DownloadCaCertificate"] = new(Roles.AdminOrService, null, SharedTrustStore),
        [TrustStore + "VerifyCertificateTrust"] = new(Roles.AdminOrService, null, SharedTrustStore),
        [TrustStore + "GetSigningCertificate"] = new(Roles.AdminOrService, null, SharedTrustStore),

        [FtmChip + "AddFtmChip"] = new(Roles.FtmProvider, null, "a chip of the caller's own partner (FtmProviderGate: certified, active, terms accepted)"),
        [FtmChip + "UploadFtmChipCertificate"] = new(Roles.AdminOrFtmProvider, RateLimitPolicies.CertificateUpload, ChipWriters),
        [FtmChip + "ApproveFtmChip"] = new(Roles.PartnerAdmin, null, ChipWriters),
        [FtmChip + "RejectFtmChip"] = new(Roles.PartnerAdmin, null, ChipWriters),
        [FtmChip + "DeactivateFtmChip"] = new(Roles.AdminOrFtmProvider, null, ChipWriters),
        [FtmChip + "GetFtmChip"] = new(Roles.ChipReaders, null, ChipReaders),
        [FtmChip + "ListFtmChips"] = new(Roles.ChipReaders, null, ChipReaders),
        [FtmChip + "GetFtmChipCertificate"] = new(Roles.ChipReaders, null, ChipReaders),
        [FtmChip + "WatchFtmChips"] = new(Roles.ChipReaders, null, ChipReaders + "; FtmChipWatcher"),

        [Audit + "ListAuditEvents"] = new(Roles.PartnerAdmin, null, "the whole audit trail (admin)"),
        [Audit + "ListUndeliveredMails"] = new(Roles.PartnerAdmin, null, "the whole mail outbox (admin)"),
    };
}
