using System.Data.Common;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Pms.Grpc.FtmChips.Expiry;

/// <summary>Whose certificate is about to expire.</summary>
public enum ExpiringCertificateKind
{
    PartnerCertificate = 1,
    FtmChipCertificate = 2,
}

/// <summary>One reminder: a provider's MOSIP-signed certificate expires within <see cref="ThresholdDays"/> days.</summary>
public sealed record CertificateExpiryReminder(
    PartnerContact Recipient,
    ExpiringCertificateKind Kind,
    string Description,
    DateTimeOffset NotAfter,
    int ThresholdDays);

/// <summary>How to reach a partner.</summary>
public sealed record PartnerContact(string Email, string Name, string OrganizationName);

/// <summary>
/// Finds a partner's contact details. A partner's email is personal data, stored encrypted by the partner service; this
/// interface keeps the expiry job from depending on how.
/// </summary>
public interface IPartnerContacts
{
    /// <summary>The partner's contact, or null when it cannot be reached by mail.</summary>
    Task<PartnerContact?> FindAsync(Guid partnerId, CancellationToken cancellationToken);
}

/// <summary>
/// Stands in until the partner service's decryption of partner emails is wired in: knows no address, so reminders are
/// not sent (and not marked as sent, so they go out once an implementation that can read addresses replaces this).
/// </summary>
public sealed class UnavailablePartnerContacts(ILogger<UnavailablePartnerContacts> logger) : IPartnerContacts
{
    public Task<PartnerContact?> FindAsync(Guid partnerId, CancellationToken cancellationToken)
    {
        logger.LogWarning("No partner contact lookup is configured; cannot mail partner {PartnerId}", partnerId);
        return Task.FromResult<PartnerContact?>(null);
    }
}

/// <summary>Sends certificate expiry reminders.</summary>
public interface IExpiryNotifier
{
    Task SendAsync(CertificateExpiryReminder reminder, CancellationToken cancellationToken);
}

/// <summary>Mails reminders with MailKit over SMTP to the server of <c>ConnectionStrings:mail</c> (<c>Endpoint=smtp://host:port</c>).</summary>
public sealed class SmtpExpiryNotifier(IConfiguration configuration, IOptions<PmsOptions> options) : IExpiryNotifier
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async Task SendAsync(CertificateExpiryReminder reminder, CancellationToken cancellationToken)
    {
        var server = SmtpEndpoint.Parse(configuration.GetConnectionString("mail")
            ?? throw new InvalidOperationException("No mail server is configured: set ConnectionStrings:mail to 'Endpoint=smtp://host:port'."));

        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        await client.ConnectAsync(server.Host, server.Port,
            server.ImplicitTls ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable, cancellationToken);
        if (server.Username is { Length: > 0 } username)
        {
            await client.AuthenticateAsync(username, server.Password ?? "", cancellationToken);
        }
        await client.SendAsync(Compose(reminder, options.Value.Mail.From), cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    public static MimeMessage Compose(CertificateExpiryReminder reminder, string from)
    {
        var what = reminder.Kind == ExpiringCertificateKind.PartnerCertificate ? "partner certificate" : "FTM chip certificate";
        var days = reminder.ThresholdDays == 1 ? "1 day" : $"{reminder.ThresholdDays} days";
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(new MailboxAddress(reminder.Recipient.Name, reminder.Recipient.Email));
        message.Subject = $"Your MOSIP-signed {what} expires within {days}";
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Dear {reminder.Recipient.Name},

                The MOSIP-signed certificate for {reminder.Description} ({reminder.Recipient.OrganizationName}) expires on
                {reminder.NotAfter:yyyy-MM-dd HH:mm} UTC, within {days}.

                Upload a renewed CA-signed certificate in the Partner Management portal before then, so that FTM services
                keep working.

                -- MOSIP Partner Management
                """,
        };
        return message;
    }
}

/// <summary>The SMTP server named by a connection string: <c>Endpoint=smtp://host:port[;Username=...;Password=...]</c>.</summary>
public sealed record SmtpEndpoint(string Host, int Port, bool ImplicitTls, string? Username, string? Password)
{
    public static SmtpEndpoint Parse(string connectionString)
    {
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!parts.TryGetValue("Endpoint", out var endpoint) || !Uri.TryCreate(endpoint?.ToString(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("smtp" or "smtps"))
        {
            throw new InvalidOperationException("ConnectionStrings:mail must look like 'Endpoint=smtp://host:port'.");
        }
        var implicitTls = uri.Scheme == "smtps";
        return new SmtpEndpoint(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? (implicitTls ? 465 : 25) : uri.Port, implicitTls,
            parts.TryGetValue("Username", out var user) ? user?.ToString() : null,
            parts.TryGetValue("Password", out var password) ? password?.ToString() : null);
    }
}
