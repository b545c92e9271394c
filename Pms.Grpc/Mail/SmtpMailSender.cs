using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Pms.Grpc.Mail;

/// <summary>Sends over SMTP with MailKit to the server named by the <c>mail</c> connection string.</summary>
public sealed class SmtpMailSender(IConfiguration configuration) : IMailSender
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var connectionString = configuration.GetConnectionString("mail");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("No mail server is configured: set ConnectionStrings:mail to 'Endpoint=smtp://host:port'.");
        }
        var connection = MailConnection.Parse(connectionString);

        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        await client.ConnectAsync(connection.Host, connection.Port,
            connection.ImplicitTls ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable, cancellationToken);
        if (!string.IsNullOrEmpty(connection.Username))
        {
            await client.AuthenticateAsync(connection.Username, connection.Password ?? "", cancellationToken);
        }
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}
