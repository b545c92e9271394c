using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;

namespace Pms.Grpc.FtmChips;

/// <summary>The refusals of FtmChipService, with the reasons and MOSIP codes of ftm_chip_service.proto; thrown as <c>throw FtmChipErrors.X()</c>.</summary>
public static class FtmChipErrors
{
    public static PmsException NotFound() =>
        PmsErrors.NotFound("FTM_CHIP_NOT_FOUND", "No FTM chip with this id exists, or it belongs to another provider.");

    public static PmsException ETagMismatch() =>
        PmsErrors.Aborted("ETAG_MISMATCH", "The chip has changed since you read it (etag differs); read it again and decide again.");

    public static PmsException ConcurrentModification() =>
        PmsErrors.Aborted("CONCURRENT_MODIFICATION", "Another change to this chip committed first; read it again and decide again.");

    public static PmsException AlreadyExists(string make, string model) =>
        PmsErrors.AlreadyExists("FTM_CHIP_ALREADY_EXISTS",
            $"You already have a chip '{make}' '{model}' that is not rejected or deactivated.", "PMP_AUT_032");

    /// <summary>A refusal of the state machine as the client sees it.</summary>
    public static PmsException Refuse(FtmChipDecision decision, FtmChipStatus current, FtmChipCommand command) => decision.Verdict switch
    {
        FtmChipVerdict.NotFound => NotFound(),
        FtmChipVerdict.PermissionDenied => PmsErrors.PermissionDenied("ROLE_NOT_ALLOWED", $"Your role may not {Describe(command)} an FTM chip."),
        _ => PmsErrors.InvalidStateTransition(FtmChipNames.ApiName(current),
            TransitionMessage(current, command, decision.MosipErrorCode), decision.MosipErrorCode),
    };

    private static string TransitionMessage(FtmChipStatus current, FtmChipCommand command, string? mosipErrorCode) => mosipErrorCode switch
    {
        FtmChipStateMachine.UploadOnDeactivatedChip => "The chip is deactivated; its certificate cannot be uploaded any more.",
        FtmChipStateMachine.UploadOnlyWhilePendingUploadOrApproved =>
            $"A certificate can be uploaded only while the chip is PENDING_CERT_UPLOAD or APPROVED; it is {current}.",
        FtmChipStateMachine.ApproveNeedsCertificate => "The chip has no certificate yet; it can be approved once one is uploaded.",
        FtmChipStateMachine.AlreadyDeactivated => "The chip is already deactivated.",
        FtmChipStateMachine.DeactivateOnlyApproved => $"Only an APPROVED chip can be deactivated; it is {current}.",
        _ => $"The chip is {current}; it cannot be {Describe(command)}d now (only a PENDING_APPROVAL chip can).",
    };

    private static string Describe(FtmChipCommand command) => command switch
    {
        FtmChipCommand.UploadCertificate => "upload the certificate of",
        FtmChipCommand.Approve => "approve",
        FtmChipCommand.Reject => "reject",
        _ => "deactivate",
    };
}
