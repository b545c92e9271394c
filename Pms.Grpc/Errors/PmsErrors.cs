using Grpc.Core;

namespace Pms.Grpc.Errors;

/// <summary>
/// The only way to build a refusal (a <see cref="PmsException"/>): one helper per kind, named after the gRPC code it
/// answers. Each returns the exception and the call site throws it — <c>throw PmsErrors.NotFound(...)</c> — so the
/// compiler knows the path ends there and a reader sees it. <see cref="ExceptionMappingInterceptor"/> turns it into
/// the status the client reads (docs/adr/0006-errors.md).
/// </summary>
public static class PmsErrors
{
    /// <summary>The contract's reason for bad request fields (every service's proto names it).</summary>
    public const string ValidationFailed = "VALIDATION_FAILED";

    public static PmsException InvalidArgument(string reason, string message, string? mosipErrorCode = null, string? field = null) =>
        new(StatusCode.InvalidArgument, reason, message, mosipErrorCode, field is null ? null : [new FieldViolation(field, message)]);

    /// <summary>INVALID_ARGUMENT <c>VALIDATION_FAILED</c> with one BadRequest violation per bad field.</summary>
    public static PmsException InvalidFields(IReadOnlyList<FieldViolation> violations) =>
        new(StatusCode.InvalidArgument, ValidationFailed,
            violations.Count == 1 ? violations[0].Description : $"{violations.Count} fields are invalid: " +
                string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")),
            fieldViolations: violations);

    /// <summary>INVALID_ARGUMENT <c>VALIDATION_FAILED</c> for one field.</summary>
    public static PmsException InvalidField(string field, string description) => InvalidFields([new FieldViolation(field, description)]);

    /// <summary>Throws <see cref="InvalidFields"/> with every violation collected, if there is any.</summary>
    public static void ThrowIfAny(IReadOnlyList<FieldViolation> violations)
    {
        if (violations.Count > 0)
        {
            throw InvalidFields(violations);
        }
    }

    public static PmsException FailedPrecondition(string reason, string message, string? mosipErrorCode = null) =>
        new(StatusCode.FailedPrecondition, reason, message, mosipErrorCode);

    /// <summary>
    /// FAILED_PRECONDITION <c>INVALID_STATE_TRANSITION</c>: the resource is in a status that does not allow the command;
    /// the status (its API name) goes into ErrorInfo metadata <c>current_status</c>.
    /// </summary>
    public static PmsException InvalidStateTransition(string currentStatus, string message, string? mosipErrorCode = null) =>
        new(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION", message, mosipErrorCode,
            metadata: new Dictionary<string, string> { ["current_status"] = currentStatus });

    public static PmsException AlreadyExists(string reason, string message, string? mosipErrorCode = null, string? field = null) =>
        new(StatusCode.AlreadyExists, reason, message, mosipErrorCode, field is null ? null : [new FieldViolation(field, message)]);

    /// <summary>Also used for another partner's resources: their existence is never revealed.</summary>
    public static PmsException NotFound(string reason, string message, string? mosipErrorCode = null) =>
        new(StatusCode.NotFound, reason, message, mosipErrorCode);

    public static PmsException Unauthenticated(string reason, string message) =>
        new(StatusCode.Unauthenticated, reason, message);

    public static PmsException PermissionDenied(string reason, string message) =>
        new(StatusCode.PermissionDenied, reason, message);

    /// <summary>RESOURCE_EXHAUSTED, with a RetryInfo when the caller may try again after <paramref name="retryDelay"/>.</summary>
    public static PmsException ResourceExhausted(string reason, string message, TimeSpan? retryDelay = null) =>
        new(StatusCode.ResourceExhausted, reason, message) { RetryDelay = retryDelay };

    public static PmsException Aborted(string reason, string message) =>
        new(StatusCode.Aborted, reason, message);

    /// <summary>UNAVAILABLE: nothing wrong with the request; the same call may work if tried again later.</summary>
    public static PmsException Unavailable(string reason, string message) =>
        new(StatusCode.Unavailable, reason, message);

    /// <summary>UNAVAILABLE DATABASE_UNAVAILABLE: PostgreSQL cannot be reached; PMS reconnects by itself.</summary>
    public static PmsException DatabaseUnavailable() =>
        Unavailable("DATABASE_UNAVAILABLE", "PMS cannot reach its database right now; retry in a few seconds.");

    /// <summary>INTERNAL without internals, for a failure that was logged for the operator.</summary>
    public static PmsException Internal() =>
        new(StatusCode.Internal, "INTERNAL", "PMS failed to handle the request. The error was logged; try again or contact the operator.");
}
