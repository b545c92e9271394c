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
