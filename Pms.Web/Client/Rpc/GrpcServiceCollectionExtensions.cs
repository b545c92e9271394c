using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Mosip.Pms.V1;
using Pms.Web.Client.Rpc;

namespace Microsoft.Extensions.DependencyInjection;

public static class GrpcServiceCollectionExtensions
{
    /// <summary>
    /// Adds one gRPC-Web channel to the page's own origin (Pms.Web forwards the calls to Pms.Grpc),
    /// the bearer-token and default-deadline interceptors, and a client for each PMS service.
    /// </summary>
    public static IServiceCollection AddPmsGrpc(this IServiceCollection services, Uri origin)
    {
        services.AddSingleton(_ => GrpcChannel.ForAddress(origin, new GrpcChannelOptions
        {
            // Binary gRPC-Web: the browser's fetch streams responses, so server streaming works without base64 text mode.
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new HttpClientHandler()),
        }));
        services.AddSingleton<BearerTokenInterceptor>();
        services.AddSingleton<DefaultDeadlineInterceptor>();
        services.AddSingleton<LiveStreams>();
        // Invoked in the order given; neither depends on the other.
        services.AddSingleton(sp => sp.GetRequiredService<GrpcChannel>()
            .Intercept(sp.GetRequiredService<DefaultDeadlineInterceptor>(), sp.GetRequiredService<BearerTokenInterceptor>()));

        services.AddSingleton(sp => new PartnerService.PartnerServiceClient(sp.GetRequiredService<CallInvoker>()));
        services.AddSingleton(sp => new TrustStoreService.TrustStoreServiceClient(sp.GetRequiredService<CallInvoker>()));
        services.AddSingleton(sp => new FtmChipService.FtmChipServiceClient(sp.GetRequiredService<CallInvoker>()));
        services.AddSingleton(sp => new AuditService.AuditServiceClient(sp.GetRequiredService<CallInvoker>()));
        // Served by Pms.Web itself; it holds the refresh token in an HttpOnly cookie, so no bearer token is needed.
        services.AddSingleton(sp => new Mosip.Pms.Portal.V1.PortalSessionService.PortalSessionServiceClient(
            sp.GetRequiredService<GrpcChannel>().Intercept(sp.GetRequiredService<DefaultDeadlineInterceptor>())));

        return services;
    }
}
