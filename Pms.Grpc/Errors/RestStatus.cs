using System.Net;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Core;

namespace Pms.Grpc.Errors;

/// <summary>
/// Errors of the REST/JSON face (JSON transcoding): the same <c>google.rpc.Status</c> as over gRPC, written as proto
/// JSON, under the HTTP status AIP-193 gives its code. Used for refusals made before a service runs (authentication,
/// rate limits); JSON transcoding writes the services' own errors the same way.
/// </summary>
public static class RestStatus
{
    /// <summary>The error details PMS sends, which JSON needs to know by name to write them (<c>@type</c>).</summary>
    public static TypeRegistry ErrorDetails { get; } = TypeRegistry.FromMessages(
        ErrorInfo.Descriptor, BadRequest.Descriptor, RetryInfo.Descriptor, PreconditionFailure.Descriptor, ResourceInfo.Descriptor);

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithTypeRegistry(ErrorDetails));

    /// <summary>Marks a REST endpoint that is not a transcoded RPC (the watch over server-sent events): its refusals are JSON too.</summary>
    public sealed class RestEndpoint
    {
        public static RestEndpoint Instance { get; } = new();

        private RestEndpoint()
        {
        }
    }

    /// <summary>AIP-193's HTTP status for a gRPC code.</summary>
    public static HttpStatusCode HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.OK => HttpStatusCode.OK,
        StatusCode.Cancelled => (HttpStatusCode)499,
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => HttpStatusCode.BadRequest,
        StatusCode.DeadlineExceeded => HttpStatusCode.GatewayTimeout,
        StatusCode.NotFound => HttpStatusCode.NotFound,
        StatusCode.AlreadyExists or StatusCode.Aborted => HttpStatusCode.Conflict,
        StatusCode.PermissionDenied => HttpStatusCode.Forbidden,
        StatusCode.Unauthenticated => HttpStatusCode.Unauthorized,
        StatusCode.ResourceExhausted => HttpStatusCode.TooManyRequests,
        StatusCode.Unimplemented => HttpStatusCode.NotImplemented,
        StatusCode.Unavailable => HttpStatusCode.ServiceUnavailable,
        _ => HttpStatusCode.InternalServerError,
    };

    /// <summary>Whether the request is a gRPC or gRPC-Web call (answered with grpc-status), not a REST one.</summary>
    public static bool IsGrpc(Microsoft.AspNetCore.Http.HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    public static async Task WriteAsync(HttpContext http, Google.Rpc.Status status)
    {
        http.Response.StatusCode = (int)HttpStatusOf((StatusCode)status.Code);
        http.Response.ContentType = "application/json; charset=utf-8";
        if (http.Response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            // RFC 9110: a 401 names the scheme that would be accepted.
            http.Response.Headers.WWWAuthenticate = "Bearer";
        }
        var retry = status.Details.Where(d => d.Is(RetryInfo.Descriptor)).Select(d => d.Unpack<RetryInfo>()).FirstOrDefault();
        if (retry?.RetryDelay is { } delay)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(delay.ToTimeSpan().TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        await http.Response.WriteAsync(Formatter.Format(status));
    }
}
