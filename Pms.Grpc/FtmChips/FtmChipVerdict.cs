namespace Pms.Grpc.FtmChips;

public enum FtmChipVerdict
{
    Allowed = 1,
    /// <summary>The caller's role may never do this (PERMISSION_DENIED).</summary>
    PermissionDenied = 2,
    /// <summary>The caller may not know the chip exists (NOT_FOUND).</summary>
    NotFound = 3,
    /// <summary>The chip's status does not allow it (FAILED_PRECONDITION <c>INVALID_STATE_TRANSITION</c>).</summary>
    InvalidTransition = 4,
}
