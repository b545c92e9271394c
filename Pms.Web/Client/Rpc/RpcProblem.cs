using Google.Rpc;
using Grpc.Core;

namespace Pms.Web.Client.Rpc;

/// <summary>
/// A failed call told in the user's terms: one message for the form, and the server's field violations
/// (<c>google.rpc.BadRequest</c>) keyed by field so each can be shown beside its input.
/// </summary>
public sealed class RpcProblem
{
    /// <summary>The <c>ErrorInfo.domain</c> PMS puts on its errors.</summary>
    public const string PmsErrorDomain = "pms.mosip.io";

    private const string MosipErrorCodeKey = "mosip_error_code";

    private static readonly IReadOnlyDictionary<string, string> NoFieldErrors = new Dictionary<string, string>();

    private RpcProblem(StatusCode code, string message, string? reason, string? mosipErrorCode, IReadOnlyDictionary<string, string> fieldErrors)
    {
        Code = code;
        Message = message;
        Reason = reason;
        MosipErrorCode = mosipErrorCode;
        FieldErrors = fieldErrors;
    }

    public StatusCode Code { get; }

    /// <summary>What to show above the form.</summary>
    public string Message { get; }

    /// <summary><c>ErrorInfo.reason</c>, e.g. <c>CONSENT_REQUIRED</c>, for pages that react to a specific failure.</summary>
    public string? Reason { get; }

    /// <summary>MOSIP's own error code (<c>ErrorInfo.metadata["mosip_error_code"]</c>), where it has one.</summary>
    public string? MosipErrorCode { get; }

    /// <summary>Field path (as the proto names it, e.g. <c>organization_name</c>) to its message.</summary>
    public IReadOnlyDictionary<string, string> FieldErrors { get; }

    /// <summary>The message for one field, or null. Matches the full path or its last segment, ignoring case.</summary>
    public string? For(string field)
    {
        foreach (var (path, description) in FieldErrors)
        {
            var lastSegment = path[(path.LastIndexOf('.') + 1)..];
            if (string.Equals(path, field, StringComparison.OrdinalIgnoreCase)
                || string.Equals(lastSegment, field, StringComparison.OrdinalIgnoreCase))
            {
                return description;
            }
        }

        return null;
    }

    /// <summary>Reads the status and its <c>grpc-status-details-bin</c> trailer.</summary>
    public static RpcProblem From(RpcException exception)
    {
        var code = exception.StatusCode;
        var details = TryGetRpcStatus(exception);

        var errorInfo = details?.GetDetail<ErrorInfo>();
        var badRequest = details?.GetDetail<BadRequest>();
        var localized = details?.GetDetail<LocalizedMessage>();

        var fieldErrors = NoFieldErrors;
        if (badRequest is { FieldViolations.Count: > 0 })
        {
            var byField = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var violation in badRequest.FieldViolations)
            {
                var key = violation.Field ?? string.Empty;
                byField[key] = byField.TryGetValue(key, out var earlier) ? $"{earlier} {violation.Description}" : violation.Description;
            }

            fieldErrors = byField;
        }

        string? mosipErrorCode = null;
        errorInfo?.Metadata.TryGetValue(MosipErrorCodeKey, out mosipErrorCode);

        var serverMessage = localized?.Message is { Length: > 0 } localizedText ? localizedText
            : details?.Message is { Length: > 0 } statusText ? statusText
            : exception.Status.Detail;

        // With field violations the server's message lists them all again; they are shown beside their fields.
        var message = code == StatusCode.InvalidArgument && fieldErrors.Count > 0
            ? fieldErrors.Count == 1 ? "One field needs attention: see the message beside it." : $"{fieldErrors.Count} fields need attention: see the messages beside them."
            : Describe(code, serverMessage, fieldErrors.Count > 0);
        return new RpcProblem(code, message, errorInfo?.Reason, mosipErrorCode, fieldErrors);
    }

    /// <summary>The same problem with the message also shown beside <paramref name="field"/> (for refusals the server
    /// names by reason only).</summary>
    public RpcProblem WithFieldError(string field)
    {
        var fields = new Dictionary<string, string>(FieldErrors, StringComparer.OrdinalIgnoreCase) { [field] = Message };
        return new RpcProblem(Code, Message, Reason, MosipErrorCode, fields);
    }

    /// <summary>A problem found before calling, shown the same way as the server's.</summary>
    public static RpcProblem Invalid(IReadOnlyDictionary<string, string> fieldErrors, string message = "Some fields need attention.")
        => new(StatusCode.InvalidArgument, message, reason: null, mosipErrorCode: null, fieldErrors);

    private static Google.Rpc.Status? TryGetRpcStatus(RpcException exception)
    {
        try
        {
            return exception.GetRpcStatus();
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static string Describe(StatusCode code, string? serverMessage, bool hasFieldErrors)
    {
        switch (code)
        {
            // The client's own transport text ("Error starting gRPC call...") means nothing to a user.
            case StatusCode.Unavailable:
            case StatusCode.DeadlineExceeded:
                return "The PMS service cannot be reached right now. Check your connection and try again.";
            case StatusCode.Cancelled:
                return "The request was cancelled.";
            case StatusCode.Internal:
            case StatusCode.Unknown:
            case StatusCode.DataLoss:
                return "Something went wrong on the server. Try again; if it keeps happening, contact your administrator.";
            case StatusCode.Unimplemented:
                return "The server does not offer this yet.";
        }

        if (!string.IsNullOrWhiteSpace(serverMessage))
        {
            return serverMessage;
        }

        return code switch
        {
            StatusCode.InvalidArgument when hasFieldErrors => "Some fields need attention.",
            StatusCode.InvalidArgument => "The request was not valid.",
            StatusCode.Unauthenticated => "Your session has ended. Sign in again.",
            StatusCode.PermissionDenied => "You do not have permission to do that.",
            StatusCode.NotFound => "It could not be found.",
            StatusCode.AlreadyExists => "It already exists.",
            StatusCode.FailedPrecondition => "That cannot be done in the current state.",
            StatusCode.ResourceExhausted => "Too many attempts. Wait a moment and try again.",
            _ => $"The request failed ({code}).",
        };
    }
}
