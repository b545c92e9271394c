using Grpc.Core;

namespace Pms.Grpc.Errors;

/// <summary>A field that failed validation, as it goes into <c>google.rpc.BadRequest</c>.</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>
/// A refusal the client caused (bad input, wrong state, missing right). The exception interceptor turns it
/// into a gRPC status with a <c>google.rpc.Status</c> carrying one <c>ErrorInfo</c> and, where fields were bad,
/// a <c>BadRequest</c>. Domain code throws it through the helpers in <see cref="PmsErrors"/>.
/// </summary>
public sealed class PmsException(
    StatusCode statusCode,
    string reason,
    string message,
    string? mosipErrorCode = null,
    IReadOnlyList<FieldViolation>? fieldViolations = null,
    IReadOnlyDictionary<string, string>? metadata = null) : Exception(message)
{
    public StatusCode StatusCode { get; } = statusCode;
    /// <summary>UPPER_SNAKE reason for <c>ErrorInfo.reason</c>.</summary>
    public string Reason { get; } = reason;
    public string? MosipErrorCode { get; } = mosipErrorCode;
    public IReadOnlyList<FieldViolation> FieldViolations { get; } = fieldViolations ?? [];
    public IReadOnlyDictionary<string, string> Metadata { get; } = metadata ?? new Dictionary<string, string>();
    /// <summary>When to try again, sent as <c>google.rpc.RetryInfo</c> (with RESOURCE_EXHAUSTED).</summary>
    public TimeSpan? RetryDelay { get; init; }
}
