using System.Diagnostics;
using System.Net;
using OpenTelemetry.Instrumentation.AspNetCore;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Pms.Web;

/// <summary>
/// Forwards the portal's gRPC-Web calls to Pms.Grpc, so the browser talks to one origin only (no CORS), and the REST/JSON
/// API under <c>/v1/</c> with its OpenAPI document, so REST clients may use the portal's address as well.
/// </summary>
public static class GrpcForwarding
{
    /// <summary>The service-discovery name of Pms.Grpc; the AppHost's <c>WithReference</c> supplies
    /// <c>services:pms-grpc:http:0</c>, and so can the environment when Pms.Web runs alone
    /// (appsettings.Development.json points at Pms.Grpc's own default, http://localhost:5180).</summary>
    public const string ServiceName = "pms-grpc";

    private const string ClusterId = "pms-grpc";
    private const string PmsApiRoute = "pms-api";
    private const string GrpcHealthRoute = "grpc-health";
    private const string RestApiRoute = "pms-rest";
    private const string OpenApiRoute = "pms-openapi";

    // Pms.Grpc's "http" endpoint speaks HTTP/1.1 and runs UseGrpcWeb; "http://" selects that endpoint by name.
    private const string DestinationAddress = "http://" + ServiceName;

    // A server-streaming call (WatchFtmChips) may sit silent for a long time; the client reconnects
    // when this cuts it, so it only bounds how long an abandoned stream holds a connection.
    private static readonly TimeSpan StreamIdleTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Adds the reverse proxy with the gRPC-Web routes and service-discovery resolution of Pms.Grpc.</summary>
    public static IHostApplicationBuilder AddGrpcForwarding(this IHostApplicationBuilder builder)
    {
        // Every gRPC method path is /<package>.<Service>/<Method>; only the PMS API and gRPC health go through.
        RouteConfig[] routes =
        [
            GrpcRoute(PmsApiRoute, "/mosip.pms.v1.{service}/{method}"),
            GrpcRoute(GrpcHealthRoute, "/grpc.health.v1.{service}/{method}"),
            // The REST/JSON face (docs/rest-api.md) and its OpenAPI document, on the portal's origin too.
            new() { RouteId = RestApiRoute, ClusterId = ClusterId, Match = new RouteMatch { Path = "/v1/{**rest}" } },
            new() { RouteId = OpenApiRoute, ClusterId = ClusterId, Match = new RouteMatch { Path = "/openapi/v1.json", Methods = ["GET"] } },
        ];

        ClusterConfig[] clusters =
        [
            new()
            {
                ClusterId = ClusterId,
                Destinations = new Dictionary<string, DestinationConfig>
                {
                    [ServiceName] = new() { Address = DestinationAddress },
                },
                HttpRequest = new ForwarderRequestConfig
                {
                    Version = HttpVersion.Version11,
                    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                    // Server-streaming gRPC-Web is one long HTTP response: pass each message on as it comes.
                    AllowResponseBuffering = false,
                    ActivityTimeout = StreamIdleTimeout,
                },
            },
        ];

        builder.Services.AddReverseProxy()
            .LoadFromMemory(routes, clusters)
            .AddServiceDiscoveryDestinationResolver();

        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource("Yarp.ReverseProxy"));
        builder.Services.Configure<AspNetCoreTraceInstrumentationOptions>(options =>
        {
            var earlier = options.EnrichWithHttpResponse;
            options.EnrichWithHttpResponse = (activity, response) =>
            {
                earlier?.Invoke(activity, response);
                NameAfterTheRpc(activity, response.HttpContext);
            };
        });

        return builder;
    }

    /// <summary>Maps the gRPC-Web routes; warns at start when no address for Pms.Grpc is configured.</summary>
    public static WebApplication MapGrpcForwarding(this WebApplication app)
    {
        if (!app.Configuration.GetSection($"services:{ServiceName}").Exists())
        {
            app.Logger.LogWarning(
                "No address configured for {Service}: gRPC-Web calls will fail. Run under the AppHost, or set services__{Service}__http__0=http://host:port.",
                ServiceName, ServiceName);
        }

        app.MapReverseProxy();
        return app;
    }

    /// <summary>
    /// Names a forwarded call's span after the RPC (<c>mosip.pms.v1.FtmChipService/ListFtmChips</c>), as
    /// Pms.Grpc names its own, instead of the route template every call shares.
    /// </summary>
    internal static void NameAfterTheRpc(Activity activity, HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is { Config.RouteId: PmsApiRoute or GrpcHealthRoute }
            && context.Request.Path.Value is { Length: > 1 } path)
        {
            activity.DisplayName = path[1..];
            activity.SetTag("rpc.system", "grpc");
            activity.SetTag("rpc.method", path[(path.LastIndexOf('/') + 1)..]);
            activity.SetTag("rpc.service", path[1..path.LastIndexOf('/')]);
        }
    }

    private static RouteConfig GrpcRoute(string routeId, string path) => new()
    {
        RouteId = routeId,
        ClusterId = ClusterId,
        Match = new RouteMatch { Path = path, Methods = ["POST"] },
    };
}
