namespace Pms.Grpc.Data.Entities;

/// <summary>Where a mail of the outbox stands.</summary>
public enum OutboxMailStatus
{
    /// <summary>Waiting to be sent (or retried).</summary>
    Pending = 1,
    /// <summary>Accepted by the mail server.</summary>
    Sent = 2,
    /// <summary>Nothing to send after all (a reset asked for an email that belongs to no active account).</summary>
    NotNeeded = 3,
    /// <summary>Every attempt failed; an operator must look (AuditService.ListUndeliveredMails).</summary>
    Undeliverable = 4,
}

/// <summary>
/// One mail of the transactional outbox: written in the transaction of the change that causes it, sent by
/// <c>MailOutboxSender</c> on whichever replica claims it first. Its content is personal data (names, addresses,
/// reset links), so it is kept encrypted and wiped once sent.
/// </summary>
public class OutboxMail
{
    public Guid Id { get; set; }

    /// <summary>Insertion order, which is the order mails go out in.</summary>
    public long Sequence { get; set; }

    /// <summary>What the mail is, e.g. "password-reset"; names it in logs and metrics, holds no personal data.</summary>
    public required string Kind { get; set; }

    public OutboxMailStatus Status { get; set; } = OutboxMailStatus.Pending;

    /// <summary>What to compose the mail from, encrypted, for kinds written on the sender (a reset request's email).</summary>
    public byte[]? RequestEncrypted { get; set; }

    /// <summary>The MIME message, encrypted; null before it is composed and after it is sent.</summary>
    public byte[]? MessageEncrypted { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>PostgreSQL's clock: when the next attempt may start.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>Until when the sender that claimed it owns it (PostgreSQL's clock); another may take it after.</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }

    public Guid? ClaimToken { get; set; }

    /// <summary>Why the last attempt failed, for the operator.</summary>
    public string? LastError { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}
