using Pms.Grpc.Data.Entities;
using Pms.Grpc.Identity;

namespace Pms.Grpc.Partners;

/// <summary>What a partner's type implies: the role it signs in with and the domain its certificates must chain to.</summary>
public static class PartnerKinds
{
    public static string RoleOf(PartnerType type) => type switch
    {
        PartnerType.FtmProvider => Roles.FtmProvider,
        PartnerType.DeviceProvider => Roles.DeviceProvider,
        PartnerType.AuthPartner => Roles.AuthPartner,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown partner type."),
    };

    public static PartnerDomain DomainOf(PartnerType type) => type switch
    {
        PartnerType.FtmProvider => PartnerDomain.Ftm,
        PartnerType.DeviceProvider => PartnerDomain.Device,
        PartnerType.AuthPartner => PartnerDomain.Auth,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown partner type."),
    };

    /// <summary>The status as the API names it (the enum value name, e.g. "PARTNER_STATUS_ACTIVE"), for error metadata.</summary>
    public static string ApiName(PartnerStatus status) => status switch
    {
        PartnerStatus.InProgress => "PARTNER_STATUS_IN_PROGRESS",
        PartnerStatus.Active => "PARTNER_STATUS_ACTIVE",
        PartnerStatus.Deactivated => "PARTNER_STATUS_DEACTIVATED",
        _ => "PARTNER_STATUS_UNSPECIFIED",
    };
}
