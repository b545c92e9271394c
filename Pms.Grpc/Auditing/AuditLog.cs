using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;

namespace Pms.Grpc.Auditing;

/// <summary>One line for the audit trail, before it is stored.</summary>
public sealed record AuditEntry(
    string Action,
    string ResourceType,
    string ResourceId,
    Guid? ActorId,
    string ActorUsername,
    string? FromStatus = null,
    string? ToStatus = null,
    string? Comment = null,
    string Outcome = AuditEntry.Success,
    string? DetailJson = null)
{
    public const string Success = "SUCCESS";
    public const string Failure = "FAILURE";

    public static AuditEntry ForUser(UserAccount user, string action, string outcome = Success) =>
        new(action, "user", user.Id.ToString(), user.Id, user.Username, Outcome: outcome);
}

public interface IAuditLog
{
    /// <summary>Adds the entry to the current unit of work: it commits, or not, with the change it describes.</summary>
    AuditEvent Add(AuditEntry entry);

    /// <summary>Adds the entry and saves at once (for events with no other change, such as a refused sign-in).</summary>
    Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken);
}

public sealed class AuditLog(PmsDbContext db, TimeProvider time) : IAuditLog
{
    public AuditEvent Add(AuditEntry entry)
    {
        var row = new AuditEvent
        {
            Id = Guid.CreateVersion7(),
            OccurredAt = time.GetUtcNow(),
            ActorId = entry.ActorId,
            ActorUsername = entry.ActorUsername,
            Action = entry.Action,
            ResourceType = entry.ResourceType,
            ResourceId = entry.ResourceId,
            FromStatus = entry.FromStatus,
            ToStatus = entry.ToStatus,
            Comment = entry.Comment,
            Outcome = entry.Outcome,
            Detail = entry.DetailJson,
        };
        db.AuditEvents.Add(row);
        return row;
    }

    public async Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        Add(entry);
        await db.SaveChangesAsync(cancellationToken);
    }
}
