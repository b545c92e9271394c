using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pms.Grpc.Mail;

public static class MailServiceCollectionExtensions
{
    /// <summary>
    /// The outgoing mail queue (<see cref="IMailQueue"/>) and its background worker, sending over SMTP to
    /// <c>ConnectionStrings:mail</c>. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddPmsMail(this IServiceCollection services)
    {
        services.TryAddSingleton<MailQueue>();
        services.TryAddSingleton<IMailQueue>(sp => sp.GetRequiredService<MailQueue>());
        services.TryAddSingleton<IMailSender, SmtpMailSender>();
        services.AddHostedService<MailQueueWorker>();
        return services;
    }
}
