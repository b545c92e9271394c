using MimeKit;
using Pms.Grpc.AtRest;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Partners;

namespace Pms.Grpc.Mail;

/// <summary>
/// Writes mail into the transactional outbox (<c>mail_outbox</c>): the row joins the caller's unit of work, so it is
/// committed with the change that causes the mail, or not at all. <see cref="MailOutboxSender"/> sends it.
/// </summary>
public sealed class MailOutbox(PmsDbContext db, PersonalDataProtector protector, TimeProvider time, MailOutboxSignal signal)
{
    /// <summary>Adds a composed mail; it is written by the caller's next SaveChanges, inside the caller's transaction.</summary>
    public OutboxMail Add(string kind, MimeMessage message)
    {
        var mail = New(kind);
        mail.MessageEncrypted = protector.Protect(Serialize(message), mail.Id, EncryptedColumn.MailMessage);
        db.OutboxMails.Add(mail);
        return mail;
    }

    /// <summary>
    /// Adds a mail the sender composes later with the <see cref="IMailComposer"/> of <paramref name="kind"/>, from
    /// <paramref name="request"/> (kept encrypted). The request's path then does the same work whatever the request finds.
    /// </summary>
    public OutboxMail AddRequest(string kind, string request)
    {
        var mail = New(kind);
        mail.RequestEncrypted = protector.Protect(request, mail.Id, EncryptedColumn.MailRequest);
        db.OutboxMails.Add(mail);
        return mail;
    }

    /// <summary>Tells this replica's sender to look now; call after the transaction that wrote the mail committed.</summary>
    public void Nudge() => signal.Nudge();

    private OutboxMail New(string kind) => new()
    {
        Id = Guid.CreateVersion7(),
        Kind = kind,
        CreatedAt = time.GetUtcNowForDatabase(),
    };

    internal static string Serialize(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return Convert.ToBase64String(stream.ToArray());
    }

    internal static MimeMessage Deserialize(string serialized)
    {
        using var stream = new MemoryStream(Convert.FromBase64String(serialized));
        return MimeMessage.Load(stream);
    }
}
