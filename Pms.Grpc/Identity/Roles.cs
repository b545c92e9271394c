namespace Pms.Grpc.Identity;

/// <summary>Role names carried in access tokens and checked by <c>[Authorize(Roles = ...)]</c> on each RPC.</summary>
public static class Roles
{
    public const string PartnerAdmin = "PARTNER_ADMIN";
    public const string FtmProvider = "FTM_PROVIDER";
    public const string DeviceProvider = "DEVICE_PROVIDER";
    public const string AuthPartner = "AUTH_PARTNER";
    /// <summary>Internal MOSIP services (authentication, registration) asking PMS questions.</summary>
    public const string Service = "PMS_SERVICE";

    public const string AnyPartner = FtmProvider + "," + DeviceProvider + "," + AuthPartner;
    public const string AdminOrService = PartnerAdmin + "," + Service;
    public const string AdminOrFtmProvider = PartnerAdmin + "," + FtmProvider;
}
