using System.Net;
using System.Threading.RateLimiting;
using Grpc.Core;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Pms.Grpc.Configuration;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;

namespace Pms.Grpc.Infrastructure;

/// <summary>The rate-limit policies RPCs name with <c>[EnableRateLimiting]</c>; limits come from <see cref="RateLimitOptions"/>.</summary>
public static class RateLimitPolicies
{
    public const string SignIn = "sign-in";
    public const string Registration = "registration";
    public const string PasswordReset = "password-reset";
    public const string Session = "session";
    public const string CertificateUpload = "certificate-upload";

    /// <summary>
    /// Fixed-window limits per client address (anonymous RPCs) or per signed-in user (uploads), kept in this replica's
    /// memory. A refused call answers RESOURCE_EXHAUSTED <c>RATE_LIMITED</c> with a RetryInfo, before any work is done.
    /// X-Forwarded-For is believed only from loopback (pms-web's forwarder) and <see cref="RateLimitOptions.TrustedProxies"/>.
    /// </summary>
    public static IServiceCollection AddPmsRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<PmsOptions>>((forwarded, pms) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            // Only the address the nearest trusted proxy saw: anything further left is whatever the client wrote.
            forwarded.ForwardLimit = 1;
            forwarded.KnownProxies.Clear();
            forwarded.KnownProxies.Add(IPAddress.Loopback);
            forwarded.KnownProxies.Add(IPAddress.IPv6Loopback);
            foreach (var proxy in pms.Value.RateLimits.TrustedProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });

        services.AddRateLimiter(limiter =>
        {
            AddPolicy(limiter, SignIn, r => r.SignIn, ByClientAddress);
            AddPolicy(limiter, Registration, r => r.Registration, ByClientAddress);
            AddPolicy(limiter, PasswordReset, r => r.PasswordReset, ByClientAddress);
            AddPolicy(limiter, Session, r => r.Session, ByClientAddress);
            AddPolicy(limiter, CertificateUpload, r => r.CertificateUpload, BySignedInUser);
            limiter.OnRejected = (context, _) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds));
                return new ValueTask(GrpcErrorResponse.WriteAsync(context.HttpContext, PmsErrors.ResourceExhausted(
                    "RATE_LIMITED", $"Too many calls of this kind from you; try again in {seconds} s.", TimeSpan.FromSeconds(seconds))));
            };
        });
        return services;
    }

    /// <summary>The caller's address after trusted-proxy forwarding, as the limits and the logs see it.</summary>
    public static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static string ByClientAddress(HttpContext http) => "ip:" + ClientAddress(http);

    private static string BySignedInUser(HttpContext http) =>
        http.User.FindFirst(PmsClaims.Subject)?.Value is { } user ? "user:" + user : ByClientAddress(http);

    private static void AddPolicy(RateLimiterOptions limiter, string name, Func<RateLimitOptions, RateLimitRule> rule, Func<HttpContext, string> partition) =>
        limiter.AddPolicy(name, http =>
        {
            var limit = rule(http.RequestServices.GetRequiredService<IOptions<PmsOptions>>().Value.RateLimits);
            return RateLimitPartition.GetFixedWindowLimiter(partition(http), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit.PermitLimit,
                Window = limit.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
}
