namespace Pms.Grpc.Identity;

/// <summary>
/// Role names carried in access tokens, and the only place role sets are defined: an RPC names one of these in its
/// <c>[Authorize(Roles = ...)]</c>, and <see cref="RpcRules"/> lists which.
/// </summary>
public static class Roles
{
    public const string PartnerAdmin = "PARTNER_ADMIN";
    public const string FtmProvider = "FTM_PROVIDER";
    public const string DeviceProvider = "DEVICE_PROVIDER";
    public const string AuthPartner = "AUTH_PARTNER";
    /// <summary>Internal MOSIP services (authentication, registration) asking PMS questions.</summary>
    public const string Service = "PMS_SERVICE";

    public const string AnyPartner = FtmProvider + "," + DeviceProvider + "," + AuthPartner;
    public const string AnyPartnerOrAdmin = AnyPartner + "," + PartnerAdmin;
    public const string AdminOrService = PartnerAdmin + "," + Service;
    public const string AdminOrFtmProvider = PartnerAdmin + "," + FtmProvider;
    /// <summary>Who may read FTM chips: the admin, providers (their own chips) and internal services.</summary>
    public const string ChipReaders = PartnerAdmin + "," + FtmProvider + "," + Service;
}
