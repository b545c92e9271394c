using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;

namespace Pms.Grpc.Auditing;

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
