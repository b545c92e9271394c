namespace Pms.Grpc.Data.Entities;

public enum FtmChipStatus
{
    PendingCertUpload = 1,
    PendingApproval = 2,
    Approved = 3,
    Rejected = 4,
    Deactivated = 5,
}
