namespace Pms.Grpc.Data.Entities;

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
