using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry;

namespace Pms.Web;

/// <summary>
/// The portal is of no use when it cannot reach Pms.Grpc: this check asks Pms.Grpc's <c>/alive</c> through
/// the same service discovery the gRPC-Web forwarder uses. It asks <c>/alive</c>, not <c>/health</c>, so a
/// database outage shows on pms-grpc alone rather than on every resource that depends on it.
/// </summary>
public sealed class PmsGrpcHealthCheck(IHttpClientFactory clients) : IHealthCheck
{
    public const string Name = "pms-grpc";
    public const string HttpClientName = "pms-grpc-health";

    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static void Register(IHostApplicationBuilder builder)
    {
        // EXTEXP0001: RemoveAllResilienceHandlers is marked for evaluation; without it the service defaults' retries apply.
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(HttpClientName, client =>
            {
                client.BaseAddress = new Uri($"http://{GrpcForwarding.ServiceName}");
                client.Timeout = Timeout;
            })
            // One quick attempt: a probe that retries for half a minute hides the outage it should report.
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddHealthChecks().AddCheck<PmsGrpcHealthCheck>(Name, HealthStatus.Unhealthy, ["ready"]);
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Probes every few seconds would bury the traces of real calls.
        using var suppressed = SuppressInstrumentationScope.Begin();
        try
        {
            using var response = await clients.CreateClient(HttpClientName).GetAsync("/alive", cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy("pms-grpc answers.")
                : HealthCheckResult.Unhealthy($"pms-grpc answered /alive with HTTP {(int)response.StatusCode}.");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException
                                   && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy(
                $"cannot reach pms-grpc ({(ex is TaskCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : ex.GetType().Name)}): " +
                $"the portal's gRPC-Web calls fail until it answers. Check the pms-grpc resource, or services__{GrpcForwarding.ServiceName}__http__0.",
                ex);
        }
    }
}
