using MimeKit;

namespace Pms.Grpc.FtmChips.Expiry;

/// <summary>The reminder mail, as it goes into the mail outbox.</summary>
public static class ExpiryMail
{
    public const string Kind = "certificate-expiry";

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
