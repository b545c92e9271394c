using System.Net;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Mosip.Pms.V1;

namespace Pms.Web.Session;

public static class PortalSessionExtensions
{
    private const string PmsGrpcClient = "pms-grpc-web";

    /// <summary>
    /// The portal session service (<c>mosip.pms.portal.v1.PortalSessionService</c>, gRPC-Web) and its client of
    /// Pms.Grpc's PartnerService, reached by service discovery like the forwarder.
    /// </summary>
    public static IHostApplicationBuilder AddPortalSession(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(TimeProvider.System);
        // EXTEXP0001: RemoveAllResilienceHandlers is marked for evaluation. One attempt per call: a retried
        // RefreshSession whose first attempt did reach Pms.Grpc would present a spent refresh token.
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(PmsGrpcClient, client => client.BaseAddress = new Uri("http://" + GrpcForwarding.ServiceName))
            .RemoveAllResilienceHandlers()
            .AddHttpMessageHandler(() => new GrpcWebHandler(GrpcWebMode.GrpcWeb));
#pragma warning restore EXTEXP0001
        builder.Services.AddTransient(services => new PartnerService.PartnerServiceClient(GrpcChannel.ForAddress(
            "http://" + GrpcForwarding.ServiceName,
            new GrpcChannelOptions
            {
                HttpClient = services.GetRequiredService<IHttpClientFactory>().CreateClient(PmsGrpcClient),
                DisposeHttpClient = true,
                // Pms.Grpc's "http" endpoint speaks HTTP/1.1 with gRPC-Web, as for the forwarder.
                HttpVersion = HttpVersion.Version11,
                HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            })));
        return builder;
    }

    public static WebApplication MapPortalSession(this WebApplication app)
    {
        app.UseGrpcWeb();
        app.MapGrpcService<PortalSessionGrpcService>().EnableGrpcWeb();
        return app;
    }
}
