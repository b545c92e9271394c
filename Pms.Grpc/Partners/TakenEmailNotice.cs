using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Pms.Grpc.AtRest;
using Pms.Grpc.Auditing;
using Pms.Grpc.Configuration;
using Pms.Grpc.Data;
using Pms.Grpc.Mail;

namespace Pms.Grpc.Partners;

/// <summary>
/// The mail to an account's owner when someone registers with its email address: registration answers such a call as
/// if it had succeeded (so it does not tell whether the address has an account), and the owner learns it here instead.
/// Composed on the mail sender from the address alone, like password-reset mails.
/// </summary>
public sealed class TakenEmailNotice(
    PmsDbContext db,
    PersonalDataProtector protector,
    IAuditLog audit,
    IOptions<PmsOptions> options,
    TimeProvider time,
    ILogger<TakenEmailNotice> logger) : IMailComposer
{
    public const string MailKind = "registration-email-taken";

    /// <summary>Audit action of the refused registration (resource: the owner's partner).</summary>
    public const string AttemptAction = "REGISTRATION_WITH_TAKEN_EMAIL";

    /// <summary>Audit action of a notice mailed to the owner; counting these caps the mails per account.</summary>
    public const string MailedAction = "TAKEN_EMAIL_NOTICE_MAILED";

    public string Kind => MailKind;

    public async Task<MimeMessage?> ComposeAsync(string email, CancellationToken cancellationToken)
    {
        var emailHash = protector.EmailLookupHash(email);
        var partner = await db.Partners.AsNoTracking().FirstOrDefaultAsync(p => p.EmailLookupHash == emailHash, cancellationToken);
        var user = partner is null ? null : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.PartnerId == partner.Id, cancellationToken);
        if (partner is null || user is null)
        {
            return null;
        }

        // Counted in the database, so every replica's sender agrees: registering with a victim's address cannot mail-bomb it.
        var cap = options.Value.RateLimits.TakenEmailNoticesPerAccountPerHour;
        var since = time.GetUtcNow() - TimeSpan.FromHours(1);
        var partnerId = partner.Id.ToString();
        if (await db.AuditEvents.CountAsync(e => e.ResourceType == "partner" && e.ResourceId == partnerId && e.Action == MailedAction && e.OccurredAt > since,
                cancellationToken) >= cap)
        {
            logger.LogInformation("Taken-email notice not sent: the account already had {Cap} in the last hour", cap);
            return null;
        }
        audit.Add(new AuditEntry(MailedAction, "partner", partnerId, null, user.Username));
        await db.SaveChangesAsync(cancellationToken);

        var portal = options.Value.Portal.BaseUrl.TrimEnd('/');
        var message = new MimeMessage
        {
            Subject = "Someone tried to register with your email address",
            Body = new TextPart("plain")
            {
                Text = $"""
                    Hello {partner.FirstName},

                    Someone tried to register a new Partner Management System account with this email address.
                    It already belongs to your account '{user.Username}', so no account was created and yours is unchanged.

                    If it was you: sign in as '{user.Username}' at {portal}/login, or choose "Forgot password?" there
                    to set a new password.
                    If it was not you: you need not do anything.
                    """,
            },
        };
        message.From.Add(MailboxAddress.Parse(options.Value.Mail.From));
        message.To.Add(new MailboxAddress($"{partner.FirstName} {partner.LastName}",
            protector.Unprotect(partner.EmailEncrypted, partner.Id, EncryptedColumn.PartnerEmail)));
        return message;
    }
}
