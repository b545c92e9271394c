using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pms.Grpc.Certificates;
using Pms.Grpc.Configuration;
using Pms.Grpc.Mail;
using Pms.Grpc.Partners;

// In the DI namespace, as ASP.NET's own Add* extensions are, so the call site needs no using of its own.
namespace Microsoft.Extensions.DependencyInjection;

public static class PartnerServiceCollectionExtensions
{
    /// <summary>
    /// Partner registration, terms and consent, passwords, administration and certificates, with the mail outbox
    /// that carries password-reset links. <see cref="PartnerAccess"/> is the consent and deactivation gate other
    /// services (FTM chips) use too.
    /// </summary>
    public static IServiceCollection AddPartners(this IServiceCollection services)
    {
        services.AddPmsMail();
        services.AddSingleton<PersonalDataProtector>();
        services.AddSingleton<PartnerAccessCache>();
        services.AddScoped<PartnerAccess>();
        services.AddScoped<PartnerDirectory>();
        services.AddScoped<PartnerRegistration>();
        services.AddScoped<TermsAndConditions>();
        services.AddScoped<PasswordManagement>();
        services.AddScoped<IMailComposer, PasswordResetMailComposer>();
        services.AddScoped<IMailComposer, TakenEmailNotice>();
        services.AddScoped<PartnerAdministration>();
        services.AddScoped<PartnerQueries>();
        services.AddScoped<PartnerCertificates>();

        // The certificate engine's partner and chip rules; the trust anchors and signing CA come from AddTrustStore().
        services.TryAddSingleton(sp => new EndEntityCertificateRules(sp.GetRequiredService<TimeProvider>(), new EndEntityCertificateRulesOptions
        {
            MinimumRemainingValidity = sp.GetRequiredService<IOptions<PmsOptions>>().Value.Certificates.EndEntityMinimumRemainingValidity,
        }));
        return services;
    }
}
