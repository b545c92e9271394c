using Microsoft.Extensions.Options;
using Pms.Grpc.Configuration;

namespace Pms.Grpc.Infrastructure;

/// <summary>
/// Optionally names the instance that answered each call in a <c>pms-served-by</c> response header
/// (<c>Pms:Diagnostics:ServedByHeader</c>), so an operator or a test can see how a load balancer spreads calls over
/// replicas. Off by default: the host name is nothing a caller needs.
/// </summary>
public static class ServedByHeader
{
    public const string Name = "pms-served-by";

    public static WebApplication UseServedByHeader(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<PmsOptions>>().Value.Diagnostics.ServedByHeader)
        {
            return app;
        }

        // The host name tells pods apart; the process id tells apart replicas that share a host.
        var instance = $"{Environment.MachineName}/{Environment.ProcessId}";
        app.Use((context, next) =>
        {
            context.Response.Headers[Name] = instance;
            return next(context);
        });
        return app;
    }
}
