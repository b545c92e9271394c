namespace Pms.Grpc.FtmChips;

/// <summary>What someone asks of an existing chip. Adding a chip is not a command on a chip: it has no status yet.</summary>
public enum FtmChipCommand
{
    UploadCertificate = 1,
    Approve = 2,
    Reject = 3,
    Deactivate = 4,
}
