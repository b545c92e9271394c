using System.Globalization;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;
using Pms.Grpc.Services;
using Pms.Grpc.Validation;
using V1 = Mosip.Pms.V1;

namespace Pms.Grpc.FtmChips;

/// <summary>
/// WatchFtmChips for clients that speak plain HTTP: <c>GET /v1/ftm-chips:watch</c> answers <c>text/event-stream</c>
/// (server-sent events), one <c>FtmChipEvent</c> as proto JSON per event, with the gRPC watch's caller, ownership
/// rules, session and token lifetime. It is a minimal-API endpoint over the same <see cref="FtmChipWatcher"/>, not
/// transcoded server streaming: the transcoded stream held its headers back until the first message, so a client
/// could not tell that it was listening (docs/rest-api.md).
/// </summary>
public static class FtmChipWatchOverHttp
{
    public const string Path = "/v1/ftm-chips:watch";

    /// <summary>The event that ends a stream the server ends: its data is the <c>google.rpc.Status</c> saying why.</summary>
    public const string EndEvent = "end";

    private static readonly JsonFormatter EventJson = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private static readonly JsonFormatter StatusJson = new(JsonFormatter.Settings.Default.WithTypeRegistry(RestStatus.ErrorDetails));

    public static IEndpointConventionBuilder MapFtmChipWatchOverHttp(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, WatchAsync)
            .RequireAuthorization(new AuthorizeAttribute { Roles = Roles.ChipReaders })
            // Refusals before the handler runs (no token, wrong role) are google.rpc.Status JSON, as on transcoded paths.
            .WithMetadata(RestStatus.RestEndpoint.Instance)
            // Described by FtmChipWatchOverHttpDocument: the generator cannot see the query it reads by hand.
            .ExcludeFromDescription();

    private static async Task WatchAsync(HttpContext http, FtmChipWatcher watcher, SessionRegistry sessions,
        IOptions<FtmChipWatchOptions> options, ILoggerFactory loggers)
    {
        // Like the gRPC watch: the stream lives no longer than the caller's session and access token.
        using var session = sessions.Follow(http.User);
        using var live = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, session.Ended);
        try
        {
            var caller = CurrentUser.From(http.User);
            var (partnerId, status) = ReadQuery(http.Request.Query);
            using var watch = await watcher.OpenAsync(caller, partnerId, status, live.Token);
            await StreamAsync(http, watch, caller, options.Value.HeartbeatInterval, live.Token);
        }
        catch (Exception ex) when (http.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            // The client went away: nobody is left to tell.
        }
        catch (OperationCanceledException) when (session.Ended.IsCancellationRequested)
        {
            await EndAsync(http, session.Refusal());
        }
        catch (Exception ex)
        {
            await EndAsync(http, Refusal(ex, http, loggers));
        }
    }

    private static async Task StreamAsync(HttpContext http, FtmChipWatch watch, CurrentUser caller, TimeSpan heartbeat, CancellationToken cancellationToken)
    {
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        http.Response.ContentType = "text/event-stream; charset=utf-8";
        // No cache or proxy may keep or transform it; X-Accel-Buffering tells nginx-style proxies not to buffer it.
        http.Response.Headers.CacheControl = "no-cache, no-store, no-transform";
        http.Response.Headers["X-Accel-Buffering"] = "no";

        using var writing = new SemaphoreSlim(1, 1);
        // Headers and a first comment go out once the watch listens: a client that has read them knows every later
        // change reaches it (the gRPC watch sends its headers at the same moment).
        await WriteAsync(http, writing, ": watching\n\n", cancellationToken);

        using var stopHeartbeat = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeats = HeartbeatAsync(http, writing, heartbeat, stopHeartbeat.Token);
        try
        {
            await foreach (var item in watch.ReadAllAsync(cancellationToken))
            {
                var message = FtmChipGrpcService.ToEvent(item, caller);
                await WriteAsync(http, writing, $"id: {message.EventId}\ndata: {EventJson.Format(message)}\n\n", cancellationToken);
            }
        }
        finally
        {
            await stopHeartbeat.CancelAsync();
            await heartbeats;
        }
    }

    // A comment now and then, so proxies and load balancers that cut idle connections leave a quiet watch open.
    private static async Task HeartbeatAsync(HttpContext http, SemaphoreSlim writing, TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            // Infrastructure timing: real time, not the injected clock tests move.
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await WriteAsync(http, writing, ": heartbeat\n\n", cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The connection is gone; the event loop finds out by itself.
        }
    }

    private static async Task WriteAsync(HttpContext http, SemaphoreSlim writing, string text, CancellationToken cancellationToken)
    {
        await writing.WaitAsync(cancellationToken);
        try
        {
            await http.Response.WriteAsync(text, Encoding.UTF8, cancellationToken);
            await http.Response.Body.FlushAsync(cancellationToken);
        }
        finally
        {
            writing.Release();
        }
    }

    /// <summary>
    /// Ends the call with a status: before the stream started, as a REST error (google.rpc.Status JSON under its HTTP
    /// code); after, as a last <c>end</c> event carrying the same JSON, since the HTTP status is already sent.
    /// </summary>
    private static async Task EndAsync(HttpContext http, PmsException refusal)
    {
        if (!http.Response.HasStarted)
        {
            await GrpcErrorResponse.WriteAsync(http, refusal);
            return;
        }
        try
        {
            var status = StatusJson.Format(ExceptionMappingInterceptor.ToStatus(refusal));
            await http.Response.WriteAsync($"event: {EndEvent}\ndata: {status}\n\n", Encoding.UTF8, http.RequestAborted);
            await http.Response.Body.FlushAsync(http.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private static (string PartnerId, Data.Entities.FtmChipStatus? Status) ReadQuery(IQueryCollection query)
    {
        var violations = new List<FieldViolation>();
        var partnerId = query["partnerId"].ToString();
        if (partnerId.Length > RequestLimits.MaxIdLength)
        {
            violations.Add(new FieldViolation("partner_id", $"partner_id must be at most {RequestLimits.MaxIdLength} characters."));
        }
        var statusText = query["status"].ToString();
        var status = V1.FtmChipStatus.Unspecified;
        if (statusText.Length > 0 && !TryParseStatus(statusText, out status))
        {
            violations.Add(new FieldViolation("status", $"status '{Truncate(statusText)}' is not a chip status (e.g. FTM_CHIP_STATUS_APPROVED)."));
        }
        PmsErrors.ThrowIfAny(violations);
        return (partnerId, FtmChipGrpcService.StatusFilter(status, "status"));
    }

    // As JSON transcoding reads an enum in a query string: its proto name or its number.
    private static bool TryParseStatus(string text, out V1.FtmChipStatus status)
    {
        status = V1.FtmChipStatus.Unspecified;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            status = (V1.FtmChipStatus)number;
            return Enum.IsDefined(status);
        }
        var value = V1.WatchFtmChipsRequest.Descriptor.FindFieldByNumber(V1.WatchFtmChipsRequest.StatusFieldNumber).EnumType.FindValueByName(text);
        if (value is null)
        {
            return false;
        }
        status = (V1.FtmChipStatus)value.Number;
        return true;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static PmsException Refusal(Exception exception, HttpContext http, ILoggerFactory loggers) =>
        ExceptionMappingInterceptor.ToRefusal(exception, loggers.CreateLogger(typeof(FtmChipWatchOverHttp)), Path, http.RequestServices);
}
