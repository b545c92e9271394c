namespace Pms.Grpc.FtmChips;

/// <summary>What happened to a chip: one per transition, the same in the audit trail and in WatchFtmChips.</summary>
public enum FtmChipChangeKind
{
    Created = 1,
    CertificateUploaded = 2,
    Approved = 3,
    Rejected = 4,
    Deactivated = 5,
}
