using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pms.Grpc.Mail;

public static class MailServiceCollectionExtensions
{
    /// <summary>
    /// The transactional mail outbox (<see cref="MailOutbox"/>) and its sender, sending over SMTP to
    /// <c>ConnectionStrings:mail</c>. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddPmsMail(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(MailOutboxSignal)))
        {
            return services;
        }
        services.AddSingleton<MailOutboxSignal>();
        services.AddSingleton<MailMetrics>();
        services.AddScoped<MailOutbox>();
        services.TryAddSingleton<IMailSender, SmtpMailSender>();
        services.AddSingleton<MailOutboxSender>();
        services.AddHostedService(sp => sp.GetRequiredService<MailOutboxSender>());
        return services;
    }
}
