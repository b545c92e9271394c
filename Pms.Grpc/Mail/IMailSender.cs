using MimeKit;

namespace Pms.Grpc.Mail;

/// <summary>Sends one message now. Used by the mail outbox's sender, never on a request's path.</summary>
public interface IMailSender
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}
