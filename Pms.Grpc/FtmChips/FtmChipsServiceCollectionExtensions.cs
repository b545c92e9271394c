using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pms.Grpc.Certificates;
using Pms.Grpc.Configuration;
using Pms.Grpc.FtmChips;
using Pms.Grpc.FtmChips.Expiry;
using Pms.Grpc.Mail;

// In the DI namespace, as ASP.NET's own Add* extensions are, so the call site needs no using of its own.
namespace Microsoft.Extensions.DependencyInjection;

public static class FtmChipsServiceCollectionExtensions
{
    /// <summary>
    /// FtmChipService's domain: the chip lifecycle and queries, the provider gate (on the partner service's
    /// <c>PartnerAccess</c>, so <c>AddPartners()</c> must be called too), the change listener behind WatchFtmChips (a hosted
    /// service), and the daily certificate expiry job with its mail notifier. Settings:
    /// <c>Pms:CertificateExpiry</c> (<see cref="CertificateExpiryOptions"/>), <c>Pms:FtmChipWatch</c> (<see cref="FtmChipWatchOptions"/>).
    /// </summary>
    public static IServiceCollection AddFtmChips(this IServiceCollection services)
    {
        services.TryAddScoped<IFtmProviderGate, FtmProviderGate>();
        services.AddScoped<FtmChipLifecycle>();
        services.AddScoped<FtmChipQueries>();
        services.AddScoped<FtmChipWatcher>();

        // The certificate engine's end-entity rules, shared with partner certificates (TryAdd: whoever registers first).
        services.TryAddSingleton(sp => new EndEntityCertificateRules(sp.GetRequiredService<TimeProvider>(), new EndEntityCertificateRulesOptions
        {
            MinimumRemainingValidity = sp.GetRequiredService<IOptions<PmsOptions>>().Value.Certificates.EndEntityMinimumRemainingValidity,
        }));

        services.AddOptions<FtmChipWatchOptions>().BindConfiguration("Pms:FtmChipWatch");
        services.AddSingleton<FtmChipCountCache>();
        services.AddSingleton<FtmChipWatchSlots>();
        services.AddSingleton<FtmChipEventHub>();
        services.AddHostedService(sp => sp.GetRequiredService<FtmChipEventHub>());

        services.AddOptions<CertificateExpiryOptions>().BindConfiguration(CertificateExpiryOptions.SectionName);
        services.AddPmsMail();
        services.TryAddScoped<IPartnerContacts, PartnerContacts>();
        services.AddScoped<CertificateExpiryScanner>();
        services.AddHostedService<CertificateExpiryJob>();
        return services;
    }
}
