using Microsoft.EntityFrameworkCore;
using MimeKit;
using Pms.Grpc.Data;
using Pms.Grpc.Partners;

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

/// <summary>Finds a partner's contact details (kept encrypted by the partner service).</summary>
public interface IPartnerContacts
{
    /// <summary>The partner's contact, or null when there is no such partner.</summary>
    Task<PartnerContact?> FindAsync(Guid partnerId, CancellationToken cancellationToken);
}

/// <summary>Reads a partner's registered email and name, decrypting the email as the partner service stored it.</summary>
public sealed class PartnerContacts(PmsDbContext db, PersonalDataProtector protector) : IPartnerContacts
{
    public async Task<PartnerContact?> FindAsync(Guid partnerId, CancellationToken cancellationToken)
    {
        var partner = await db.Partners.AsNoTracking().FirstOrDefaultAsync(p => p.Id == partnerId, cancellationToken);
        return partner is null
            ? null
            : new PartnerContact(protector.Unprotect(partner.EmailEncrypted, partner.Id, PartnerDirectory.EmailField),
                $"{partner.FirstName} {partner.LastName}", partner.OrganizationName);
    }
}

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
