namespace Pms.Grpc.Data.Entities;

public enum PartnerStatus
{
    InProgress = 1,
    Active = 2,
    Deactivated = 3,
}
