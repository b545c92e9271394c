using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pms.Grpc.Certificates;
using Pms.Grpc.Configuration;
using Pms.Grpc.Infrastructure;

namespace Pms.Grpc.TrustStore;

public static class TrustStoreServiceCollectionExtensions
{
    /// <summary>
    /// The CA trust store: cached trust anchors per domain kept in step across replicas (LISTEN/NOTIFY plus a
    /// periodic version check), the CA upload rules, uploads, queries and trust verification, and PMS's signing CA
    /// (loaded at start-up).
    /// </summary>
    public static IServiceCollection AddTrustStore(this IServiceCollection services)
    {
        services.AddSingleton<TrustStoreMetrics>();
        services.AddSingleton<TrustAnchors>();
        services.AddSingleton<ITrustAnchors>(sp => sp.GetRequiredService<TrustAnchors>());
        services.AddSingleton<TrustStoreChangeListener>();
        services.AddHostedService(sp => sp.GetRequiredService<TrustStoreChangeListener>());

        services.TryAddSingleton(sp => new CaCertificateRules(sp.GetRequiredService<TimeProvider>(), new CaCertificateRulesOptions
        {
            MinimumRemainingValidity = sp.GetRequiredService<IOptions<PmsOptions>>().Value.Certificates.CaMinimumRemainingValidity,
        }));
        services.AddScoped<CaCertificateUploads>();
        services.AddScoped<CaCertificateQueries>();
        services.AddSingleton<TrustVerdictCache>();
        services.AddSingleton<TrustVerifier>();

        services.AddSingleton<MosipSigner>();
        services.AddSingleton<IMosipSigner>(sp => sp.GetRequiredService<MosipSigner>());
        services.AddScoped<IStartupTask, SigningAuthorityStartup>();
        return services;
    }
}
