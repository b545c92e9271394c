using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every PMS process shares: telemetry to the Aspire dashboard, health endpoints,
/// service discovery and resilient HTTP clients.
/// </summary>
public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";
    private const string GrpcHealthPath = "/grpc.health.v1.Health";

    /// <summary>Where traces, metrics and logs go (Aspire sets it for every resource); unset, nothing is exported.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Collect traces even without an OTLP endpoint (for a processor added in code, such as a test's).</summary>
    public const string AlwaysTraceSetting = "Telemetry:AlwaysTrace";

    /// <summary>
    /// Whether this process collects traces. A listened-to ActivitySource makes an Activity, with its tags, for every
    /// request and every database command; with no exporter nobody reads them, and on a read such as GetFtmChip that
    /// was ~5 % of the server's CPU (docs/benchmarks.md, "Profile"). So traces are collected only when they go
    /// somewhere: when Aspire (or an operator) sets <see cref="OtlpEndpointSetting"/>, or when
    /// <see cref="AlwaysTraceSetting"/> asks for them (a test's own processor).
    /// </summary>
    public static bool CollectsTraces(this IHostApplicationBuilder builder) =>
        !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointSetting]) || builder.Configuration.GetValue<bool>(AlwaysTraceSetting);

    /// <summary>Adds OpenTelemetry, default health checks, service discovery and HTTP resilience.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>Logs, traces (ASP.NET Core, gRPC, HTTP, Npgsql) and metrics, exported over OTLP when an endpoint is configured.</summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var exporting = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointSetting]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Pms.*"));

        if (builder.CollectsTraces())
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource("Pms.*")
                // Npgsql publishes its own ActivitySource; EF Core commands appear through it.
                .AddSource("Npgsql")
                .AddAspNetCoreInstrumentation(o =>
                    // Health probes and the portal's static files (hundreds per page load) would drown the traces that matter.
                    o.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath)
                        && !context.Request.Path.StartsWithSegments(GrpcHealthPath)
                        && !(HttpMethods.IsGet(context.Request.Method) && Path.HasExtension(context.Request.Path.Value)))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation());
        }

        if (exporting)
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Adds the liveness check tagged "live"; readiness checks are added by each service.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check: ready to serve; 503 naming the failing check otherwise) and
    /// <c>/alive</c> (the process answers), both open to anonymous callers: probes carry no token.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions
        {
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).AllowAnonymous();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains("live"),
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).AllowAnonymous();
        return app;
    }
}
