using System.Diagnostics.CodeAnalysis;
using Grpc.Core;

namespace Pms.Grpc.Errors;

/// <summary>Throw helpers, one per kind of refusal, so call sites read as the rule they enforce.</summary>
public static class PmsErrors
{
    [DoesNotReturn]
    public static void InvalidArgument(string reason, string message, string? mosipErrorCode = null, string? field = null) =>
        throw new PmsException(StatusCode.InvalidArgument, reason, message, mosipErrorCode,
            field is null ? null : [new FieldViolation(field, message)]);

    /// <summary>INVALID_ARGUMENT <c>VALIDATION_FAILED</c> (the contract's reason) with one violation per bad field.</summary>
    [DoesNotReturn]
    public static void InvalidFields(IReadOnlyList<FieldViolation> violations) =>
        throw new PmsException(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            violations.Count == 1 ? violations[0].Description : $"{violations.Count} fields are invalid: " +
                string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")),
            fieldViolations: violations);

    [DoesNotReturn]
    public static void FailedPrecondition(string reason, string message, string? mosipErrorCode = null) =>
        throw new PmsException(StatusCode.FailedPrecondition, reason, message, mosipErrorCode);

    [DoesNotReturn]
    public static void AlreadyExists(string reason, string message, string? mosipErrorCode = null, string? field = null) =>
        throw new PmsException(StatusCode.AlreadyExists, reason, message, mosipErrorCode,
            field is null ? null : [new FieldViolation(field, message)]);

    /// <summary>Also used for another partner's resources: their existence is never revealed.</summary>
    [DoesNotReturn]
    public static void NotFound(string reason, string message, string? mosipErrorCode = null) =>
        throw new PmsException(StatusCode.NotFound, reason, message, mosipErrorCode);

    [DoesNotReturn]
    public static void Unauthenticated(string reason, string message) =>
        throw new PmsException(StatusCode.Unauthenticated, reason, message);

    [DoesNotReturn]
    public static void PermissionDenied(string reason, string message) =>
        throw new PmsException(StatusCode.PermissionDenied, reason, message);

    /// <summary>RESOURCE_EXHAUSTED with a RetryInfo: the caller may try again after <paramref name="retryDelay"/>.</summary>
    [DoesNotReturn]
    public static void ResourceExhausted(string reason, string message, TimeSpan retryDelay) =>
        throw new PmsException(StatusCode.ResourceExhausted, reason, message) { RetryDelay = retryDelay };

    [DoesNotReturn]
    public static void Aborted(string reason, string message) =>
        throw new PmsException(StatusCode.Aborted, reason, message);
}
