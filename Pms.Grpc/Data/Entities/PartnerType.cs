namespace Pms.Grpc.Data.Entities;

public enum PartnerType
{
    FtmProvider = 1,
    DeviceProvider = 2,
    AuthPartner = 3,
}
