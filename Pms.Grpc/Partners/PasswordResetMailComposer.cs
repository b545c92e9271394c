using MimeKit;
using Pms.Grpc.Mail;

namespace Pms.Grpc.Partners;

/// <summary>Composes password-reset mails on the mail sender, from the email a reset was asked for.</summary>
public sealed class PasswordResetMailComposer(PasswordManagement passwords) : IMailComposer
{
    public string Kind => PasswordManagement.ResetMailKind;

    public Task<MimeMessage?> ComposeAsync(string request, CancellationToken cancellationToken) =>
        passwords.ComposeResetMailAsync(request, cancellationToken);
}
