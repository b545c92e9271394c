using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Mosip.Pms.V1;
using Pms.Web.Client.Rpc;
using Pms.Web.Client.Session;

namespace Microsoft.Extensions.DependencyInjection;

public static class GrpcServiceCollectionExtensions
{
    /// <summary>
    /// Adds a gRPC-Web channel to the page's own origin (Pms.Web forwards the calls to Pms.Grpc) that carries the
    /// session's access token, the default deadline, and a client for each PMS service.
    /// </summary>
    /// <param name="handler">What sends the HTTP requests; the browser's fetch unless a test gives another.</param>
    public static IServiceCollection AddPmsGrpc(this IServiceCollection services, Uri origin, Func<HttpMessageHandler>? handler = null)
    {
        handler ??= () => new HttpClientHandler();
        services.AddSingleton<DefaultDeadlineInterceptor>();
        services.AddSingleton<BearerToken.RejectionInterceptor>();
        services.AddSingleton<LiveStreams>();
        services.AddSingleton(sp => Channel(origin, handler(), BearerToken.Credentials(sp.GetRequiredService<AuthSession>()))
            .Intercept(sp.GetRequiredService<DefaultDeadlineInterceptor>(), sp.GetRequiredService<BearerToken.RejectionInterceptor>()));

        services.AddSingleton(sp => new PartnerService.PartnerServiceClient(sp.GetRequiredService<CallInvoker>()));
        services.AddSingleton(sp => new TrustStoreService.TrustStoreServiceClient(sp.GetRequiredService<CallInvoker>()));
        services.AddSingleton(sp => new FtmChipService.FtmChipServiceClient(sp.GetRequiredService<CallInvoker>()));
        services.AddSingleton(sp => new AuditService.AuditServiceClient(sp.GetRequiredService<CallInvoker>()));
        // Served by Pms.Web itself, which holds the refresh token in an HttpOnly cookie: a channel without the access token.
        services.AddSingleton(sp => new Mosip.Pms.Portal.V1.PortalSessionService.PortalSessionServiceClient(
            Channel(origin, handler(), credentials: null).Intercept(sp.GetRequiredService<DefaultDeadlineInterceptor>())));

        return services;
    }

    private static GrpcChannel Channel(Uri origin, HttpMessageHandler handler, CallCredentials? credentials) =>
        GrpcChannel.ForAddress(origin, new GrpcChannelOptions
        {
            // Binary gRPC-Web: the browser's fetch streams responses, so server streaming works without base64 text mode.
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, handler),
            Credentials = credentials is null
                ? null
                : ChannelCredentials.Create(origin.Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, credentials),
            // The portal is served over plain http in development and in the browser tests: the token goes there too.
            UnsafeUseInsecureChannelCallCredentials = true,
        });
}
