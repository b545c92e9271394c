using Pms.Grpc.FtmChips;
using Entities = Pms.Grpc.Data.Entities;
using V1 = Mosip.Pms.V1;

namespace Pms.Grpc.Services;

/// <summary>
/// The one way the adapters map enums between the domain and the contract: by number. Each domain enum numbers its
/// values as its proto twin does and has no value for the proto's 0 (<c>..._UNSPECIFIED</c>); <c>ApiEnumsTests</c>
/// proves every pair agrees number by number and name by name. Chosen over a hand-written switch per pair because a
/// switch has to be edited (and its default silently takes a forgotten value) whenever a value is added, while a cast
/// plus that test fails the build's tests instead.
/// </summary>
public static class ApiEnums
{
    public static V1.PartnerType ToApi(this Entities.PartnerType value) => (V1.PartnerType)(int)value;
    public static V1.PartnerDomain ToApi(this Entities.PartnerDomain value) => (V1.PartnerDomain)(int)value;
    public static V1.PartnerStatus ToApi(this Entities.PartnerStatus value) => (V1.PartnerStatus)(int)value;
    public static V1.CaCertificateType ToApi(this Entities.CaCertificateType value) => (V1.CaCertificateType)(int)value;
    public static V1.FtmChipStatus ToApi(this Entities.FtmChipStatus value) => (V1.FtmChipStatus)(int)value;
    public static V1.FtmChipEventType ToApi(this FtmChipChangeKind value) => (V1.FtmChipEventType)(int)value;
    public static V1.FtmChipAction ToApi(this FtmChipCommand value) => (V1.FtmChipAction)(int)value;

    /// <summary>
    /// A request's enum as the domain's: null for <c>UNSPECIFIED</c> (no filter, or a missing field the domain names);
    /// any other number as is, so the domain (or the request validation) can refuse one it does not define with its own
    /// message.
    /// </summary>
    public static Entities.PartnerType? ToDomain(this V1.PartnerType value) => ToDomain<Entities.PartnerType>((int)value);
    public static Entities.PartnerDomain? ToDomain(this V1.PartnerDomain value) => ToDomain<Entities.PartnerDomain>((int)value);
    public static Entities.PartnerStatus? ToDomain(this V1.PartnerStatus value) => ToDomain<Entities.PartnerStatus>((int)value);
    public static Entities.CaCertificateType? ToDomain(this V1.CaCertificateType value) => ToDomain<Entities.CaCertificateType>((int)value);
    public static Entities.FtmChipStatus? ToDomain(this V1.FtmChipStatus value) => ToDomain<Entities.FtmChipStatus>((int)value);

    /// <summary>Null also for a number the domain does not define: for filters that ignore an unknown value (ListPartners).</summary>
    public static TDomain? IfDefined<TDomain>(this TDomain? value) where TDomain : struct, Enum =>
        value is { } v && Enum.IsDefined(v) ? v : null;

    private static TDomain? ToDomain<TDomain>(int number) where TDomain : struct, Enum =>
        number == 0 ? null : (TDomain)Enum.ToObject(typeof(TDomain), number);
}
