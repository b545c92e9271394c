using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>
/// Health checks that notice a starting resource become ready within a quarter of a second.
/// Aspire re-runs a failing check after 1, 2, 3, 4 and then every 5 s, so a resource that becomes ready just after a
/// check is seen up to 5 s late, and every resource in a WaitFor chain adds its own lag before the next one starts.
/// Until a check has passed once, these keep asking every 250 ms for up to 10 s before they answer Unhealthy; after
/// that, each run asks once, as Aspire's own checks do, so an outage is reported as promptly as before.
/// </summary>
internal static class PromptHealthChecks
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };

    /// <summary>Healthy when <c>GET {endpoint}{path}</c> answers a success status.</summary>
    public static IResourceBuilder<T> WithPromptHttpHealthCheck<T>(this IResourceBuilder<T> resource, string path, string endpointName = "http")
        where T : IResourceWithEndpoints
    {
        var endpoint = resource.GetEndpoint(endpointName);
        return resource.WithPromptHealthCheck($"{resource.Resource.Name}-{endpointName}-http", async ct =>
        {
            var address = new Uri(new Uri(endpoint.Url), path);
            try
            {
                using var response = await Http.GetAsync(address, ct);
                if (response.IsSuccessStatusCode)
                {
                    return HealthCheckResult.Healthy();
                }
                var body = await response.Content.ReadAsStringAsync(ct);
                return HealthCheckResult.Unhealthy($"GET {path} answered {(int)response.StatusCode}: {Shorten(body)}");
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
            {
                return HealthCheckResult.Unhealthy($"GET {path} got no answer: {ex.Message}");
            }
        });
    }

    /// <summary>Adds <paramref name="check"/> under <paramref name="key"/>, asked promptly until it first passes.</summary>
    public static IResourceBuilder<T> WithPromptHealthCheck<T>(this IResourceBuilder<T> resource, string key,
        Func<CancellationToken, Task<HealthCheckResult>> check)
        where T : IResource
    {
        resource.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            key, _ => new PromptUntilHealthy(check), failureStatus: null, tags: null));
        return resource.WithHealthCheck(key);
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + " …";

    private sealed class PromptUntilHealthy(Func<CancellationToken, Task<HealthCheckResult>> check) : IHealthCheck
    {
        private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
        private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);
        private volatile bool _passedOnce;

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var result = await check(cancellationToken);
                if (result.Status == HealthStatus.Healthy)
                {
                    _passedOnce = true;
                    return result;
                }
                if (_passedOnce || clock.Elapsed >= Window)
                {
                    return result;
                }
                await Task.Delay(Step, cancellationToken);
            }
        }
    }
}
