using Mosip.Pms.V1;

namespace Pms.Web.Client.Shared;

/// <summary>Which actions the FTM chip state machine allows now (the server decides; this only hides buttons that would be refused).</summary>
public static class ChipRules
{
    public static bool CanUploadCertificate(FtmChip chip) =>
        chip.Status is FtmChipStatus.PendingCertUpload or FtmChipStatus.Approved;

    public static bool CanReview(FtmChip chip) => chip.Status == FtmChipStatus.PendingApproval;

    public static bool CanDeactivate(FtmChip chip) => chip.Status == FtmChipStatus.Approved;

    public static bool HasCertificate(FtmChip chip) =>
        chip.CertificateUploaded && chip.Status is not (FtmChipStatus.Rejected or FtmChipStatus.Deactivated);

    public static string Name(FtmChip chip) => $"{chip.Make} {chip.Model}";
}
