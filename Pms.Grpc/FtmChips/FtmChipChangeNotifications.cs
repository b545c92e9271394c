using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Data;

namespace Pms.Grpc.FtmChips;

public static class FtmChipChangeNotifications
{
    /// <summary>
    /// Queues the notification inside the current transaction: PostgreSQL delivers it when, and only if, the
    /// transaction commits, so watchers never hear of a change that was rolled back.
    /// </summary>
    public static async Task NotifyInTransactionAsync(this PmsDbContext db, FtmChipChange change, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Chip notifications are sent inside the transaction of the change they describe.");
        }
        var payload = change.ToJson();
        await db.Database.ExecuteSqlAsync($"SELECT pg_notify({FtmChipChange.Channel}, {payload})", cancellationToken);
    }
}
