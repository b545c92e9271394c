namespace Pms.Grpc.Data.Entities;

public enum PartnerDomain
{
    Ftm = 1,
    Device = 2,
    Auth = 3,
}
