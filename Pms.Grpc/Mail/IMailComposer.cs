using MimeKit;
using Pms.Grpc.Data;

namespace Pms.Grpc.Mail;

/// <summary>Composes the mails of one kind that are written on the sender (see <see cref="MailOutbox.AddRequest"/>).</summary>
public interface IMailComposer
{
    string Kind { get; }

    /// <summary>
    /// The message for <paramref name="request"/>, or null when there is nothing to send. Runs inside the sender's
    /// transaction on the scope's <see cref="PmsDbContext"/>: what it saves is committed with the composed mail.
    /// </summary>
    Task<MimeMessage?> ComposeAsync(string request, CancellationToken cancellationToken);
}
