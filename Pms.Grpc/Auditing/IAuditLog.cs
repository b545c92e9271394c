using Pms.Grpc.Data.Entities;

namespace Pms.Grpc.Auditing;

public interface IAuditLog
{
    /// <summary>Adds the entry to the current unit of work: it commits, or not, with the change it describes.</summary>
    AuditEvent Add(AuditEntry entry);

    /// <summary>Adds the entry and saves at once (for events with no other change, such as a refused sign-in).</summary>
    Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken);
}
