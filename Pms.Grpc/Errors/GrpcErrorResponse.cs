using System.Globalization;
using System.Text;
using Google.Protobuf;

namespace Pms.Grpc.Errors;

/// <summary>
/// Refusals written by middleware that runs before any gRPC service (authentication, rate limiting), in the same shape
/// the interceptor gives: a trailers-only response (HTTP 200, grpc-status in the headers) that gRPC and gRPC-Web
/// clients both understand, with the <c>google.rpc.Status</c> in <c>grpc-status-details-bin</c>; a REST call gets that
/// status as JSON (<see cref="RestStatus"/>).
/// </summary>
public static class GrpcErrorResponse
{
    public static Task WriteAsync(HttpContext http, PmsException error)
    {
        if (http.Response.HasStarted)
        {
            return Task.CompletedTask;
        }
        var status = ExceptionMappingInterceptor.ToStatus(error);
        if (!RestStatus.IsGrpc(http.Request))
        {
            // A REST/JSON call (or any other HTTP request): the same google.rpc.Status as JSON, under its HTTP status.
            return RestStatus.WriteAsync(http, status);
        }
        var requestType = http.Request.ContentType ?? "";
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = requestType.StartsWith("application/grpc", StringComparison.Ordinal)
            ? requestType.Split(';')[0]
            : "application/grpc";
        http.Response.Headers["grpc-status"] = status.Code.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["grpc-message"] = PercentEncode(error.Message);
        http.Response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray()).TrimEnd('=');
        return Task.CompletedTask;
    }

    // grpc-message is percent-encoded UTF-8 (gRPC over HTTP/2 spec).
    private static string PercentEncode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
    }
}
