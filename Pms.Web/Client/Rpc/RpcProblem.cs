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

    private static readonly IReadOnlySet<string> NoFields = new HashSet<string>();

    private RpcProblem(StatusCode code, string message, string? reason, string? mosipErrorCode, IReadOnlyDictionary<string, string> fieldErrors,
        PortalText? ownText = null, PortalText? fallbackText = null, IReadOnlySet<string>? fieldsShowingMessage = null)
    {
        Code = code;
        Message = message;
        Reason = reason;
        MosipErrorCode = mosipErrorCode;
        FieldErrors = fieldErrors;
        OwnText = ownText;
        FallbackText = fallbackText;
        FieldsShowingMessage = fieldsShowingMessage ?? NoFields;
    }

    public StatusCode Code { get; }

    /// <summary>What to show above the form, in English: the server's text, or the portal's own where it has none or
    /// where the server's means nothing to a user. Pages show it translated: <c>L.Problem(problem)</c>.</summary>
    public string Message { get; }

    /// <summary>The portal's own text that replaces the server's (transport failures, "N fields need attention"): shown
    /// whatever the reason.</summary>
    public PortalText? OwnText { get; }

    /// <summary>The portal's text for a status the server said nothing about, used when the reason has no translation.</summary>
    public PortalText? FallbackText { get; }

    /// <summary>Fields that show <see cref="Message"/> itself (<see cref="WithFieldError"/>), so shown translated too.</summary>
    public IReadOnlySet<string> FieldsShowingMessage { get; }

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
        if (code == StatusCode.InvalidArgument && fieldErrors.Count > 0)
        {
            var own = fieldErrors.Count == 1
                ? new PortalText("Problem_OneFieldNeedsAttention", "One field needs attention: see the message beside it.")
                : new PortalText("Problem_FieldsNeedAttention", "{0} fields need attention: see the messages beside them.", fieldErrors.Count);
            return new RpcProblem(code, own.English, errorInfo?.Reason, mosipErrorCode, fieldErrors, ownText: own);
        }

        if (Replace(code) is { } replaced)
        {
            return new RpcProblem(code, replaced.English, errorInfo?.Reason, mosipErrorCode, fieldErrors, ownText: replaced);
        }

        if (!string.IsNullOrWhiteSpace(serverMessage))
        {
            return new RpcProblem(code, serverMessage, errorInfo?.Reason, mosipErrorCode, fieldErrors);
        }

        var fallback = Fallback(code, fieldErrors.Count > 0);
        return new RpcProblem(code, fallback.English, errorInfo?.Reason, mosipErrorCode, fieldErrors, fallbackText: fallback);
    }

    /// <summary>The same problem with the message also shown beside <paramref name="field"/> (for refusals the server
    /// names by reason only).</summary>
    public RpcProblem WithFieldError(string field)
    {
        var fields = new Dictionary<string, string>(FieldErrors, StringComparer.OrdinalIgnoreCase) { [field] = Message };
        var showingMessage = new HashSet<string>(FieldsShowingMessage, StringComparer.OrdinalIgnoreCase) { field };
        return new RpcProblem(Code, Message, Reason, MosipErrorCode, fields, OwnText, FallbackText, showingMessage);
    }

    /// <summary>A problem found before calling, shown the same way as the server's. The page passes its texts already
    /// translated; without a message, "Some fields need attention."</summary>
    public static RpcProblem Invalid(IReadOnlyDictionary<string, string> fieldErrors, string? message = null)
    {
        var own = message is null ? SomeFieldsNeedAttention : null;
        return new(StatusCode.InvalidArgument, message ?? SomeFieldsNeedAttention.English, reason: null, mosipErrorCode: null, fieldErrors, ownText: own);
    }

    private static readonly PortalText SomeFieldsNeedAttention = new("Problem_SomeFieldsNeedAttention", "Some fields need attention.");

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

    /// <summary>The portal's text for statuses whose server text means nothing to a user (the client's own transport
    /// text, "Error starting gRPC call...", or an internal failure), else null.</summary>
    private static PortalText? Replace(StatusCode code) => code switch
    {
        StatusCode.Unavailable or StatusCode.DeadlineExceeded =>
            new("Problem_Unavailable", "The PMS service cannot be reached right now. Check your connection and try again."),
        StatusCode.Cancelled => new("Problem_Cancelled", "The request was cancelled."),
        StatusCode.Internal or StatusCode.Unknown or StatusCode.DataLoss =>
            new("Problem_ServerError", "Something went wrong on the server. Try again; if it keeps happening, contact your administrator."),
        StatusCode.Unimplemented => new("Problem_Unimplemented", "The server does not offer this yet."),
        _ => null,
    };

    /// <summary>The portal's text for a status the server gave no message for.</summary>
    private static PortalText Fallback(StatusCode code, bool hasFieldErrors) => code switch
    {
        StatusCode.InvalidArgument when hasFieldErrors => SomeFieldsNeedAttention,
        StatusCode.InvalidArgument => new("Problem_InvalidArgument", "The request was not valid."),
        StatusCode.Unauthenticated => new("Problem_Unauthenticated", "Your session has ended. Sign in again."),
        StatusCode.PermissionDenied => new("Problem_PermissionDenied", "You do not have permission to do that."),
        StatusCode.NotFound => new("Problem_NotFound", "It could not be found."),
        StatusCode.AlreadyExists => new("Problem_AlreadyExists", "It already exists."),
        StatusCode.FailedPrecondition => new("Problem_FailedPrecondition", "That cannot be done in the current state."),
        StatusCode.ResourceExhausted => new("Problem_ResourceExhausted", "Too many attempts. Wait a moment and try again."),
        _ => new("Problem_Failed", "The request failed ({0}).", code.ToString()),
    };
}

/// <summary>A text of the portal's own: its resource key, its English (kept in <see cref="RpcProblem.Message"/> and
/// equal to Strings.resx), and the values of its placeholders.</summary>
public sealed record PortalText(string Key, string EnglishFormat, params object[] Arguments)
{
    public string English => string.Format(System.Globalization.CultureInfo.InvariantCulture, EnglishFormat, Arguments);
}
