using System.Globalization;
using Pms.Grpc.Data.Entities;

namespace Pms.Grpc.FtmChips;

/// <summary>The names the API and the audit trail use for chips: resource type, actions, status enum value names, etags.</summary>
public static class FtmChipNames
{
    /// <summary>AuditEvent.resource_type of chip events (AuditService.ListAuditEvents filters on it).</summary>
    public const string ResourceType = "ftm_chip";

    /// <summary>The status as the contract's enum value name, e.g. "FTM_CHIP_STATUS_APPROVED" (audit from/to, current_status).</summary>
    public static string ApiName(FtmChipStatus status) => status switch
    {
        FtmChipStatus.PendingCertUpload => "FTM_CHIP_STATUS_PENDING_CERT_UPLOAD",
        FtmChipStatus.PendingApproval => "FTM_CHIP_STATUS_PENDING_APPROVAL",
        FtmChipStatus.Approved => "FTM_CHIP_STATUS_APPROVED",
        FtmChipStatus.Rejected => "FTM_CHIP_STATUS_REJECTED",
        FtmChipStatus.Deactivated => "FTM_CHIP_STATUS_DEACTIVATED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>AuditEvent.action of a change, e.g. "FTM_CHIP_APPROVED".</summary>
    public static string AuditAction(FtmChipChangeKind kind) => kind switch
    {
        FtmChipChangeKind.Created => "FTM_CHIP_CREATED",
        FtmChipChangeKind.CertificateUploaded => "FTM_CHIP_CERTIFICATE_UPLOADED",
        FtmChipChangeKind.Approved => "FTM_CHIP_APPROVED",
        FtmChipChangeKind.Rejected => "FTM_CHIP_REJECTED",
        FtmChipChangeKind.Deactivated => "FTM_CHIP_DEACTIVATED",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static FtmChipChangeKind ChangeOf(FtmChipCommand command) => command switch
    {
        FtmChipCommand.UploadCertificate => FtmChipChangeKind.CertificateUploaded,
        FtmChipCommand.Approve => FtmChipChangeKind.Approved,
        FtmChipCommand.Reject => FtmChipChangeKind.Rejected,
        FtmChipCommand.Deactivate => FtmChipChangeKind.Deactivated,
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
    };

    /// <summary>
    /// The chip's etag: its row version (PostgreSQL xmin), which changes with every committed update. Clients treat it
    /// as opaque; the "x" prefix keeps them from mistaking it for a number they could compute with.
    /// </summary>
    public static string ETag(FtmChip chip) => "x" + chip.Version.ToString("x8", CultureInfo.InvariantCulture);
}
