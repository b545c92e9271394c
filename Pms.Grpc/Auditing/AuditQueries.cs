using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Paging;

namespace Pms.Grpc.Auditing;

public sealed record AuditQuery(int PageSize, string PageToken, string OrderBy, string ResourceType, string ResourceId, string ActorContains, string Action);

public sealed record AuditPage(IReadOnlyList<AuditEvent> Events, string NextPageToken, int TotalSize);

/// <summary>Reads the audit trail, newest first (or oldest first), with keyset paging on (occurred_at, id).</summary>
public sealed class AuditQueries(PmsDbContext db)
{
    private sealed record Cursor(DateTimeOffset OccurredAt, Guid Id);

    public async Task<AuditPage> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var pageSize = ListPaging.PageSize(query.PageSize);
        var (_, descending) = ListPaging.OrderBy(query.OrderBy, ["occurred_at"], "occurred_at", defaultDescending: true);
        var fingerprint = $"{query.ResourceType}|{query.ResourceId}|{query.ActorContains}|{query.Action}|{descending}";
        var cursor = ListPaging.DecodeToken<Cursor>(query.PageToken, fingerprint);

        var events = db.AuditEvents.AsNoTracking();
        if (query.ResourceType.Length > 0)
        {
            events = events.Where(e => e.ResourceType == query.ResourceType);
        }
        if (query.ResourceId.Length > 0)
        {
            events = events.Where(e => e.ResourceId == query.ResourceId);
        }
        if (query.Action.Length > 0)
        {
            events = events.Where(e => e.Action == query.Action);
        }
        if (query.ActorContains.Length > 0)
        {
            var pattern = $"%{EscapeLike(query.ActorContains)}%";
            events = events.Where(e => EF.Functions.ILike(e.ActorUsername, pattern, "\\"));
        }

        var total = await events.CountAsync(cancellationToken);
        if (cursor is not null)
        {
            events = descending
                ? events.Where(e => e.OccurredAt < cursor.OccurredAt || (e.OccurredAt == cursor.OccurredAt && e.Id.CompareTo(cursor.Id) < 0))
                : events.Where(e => e.OccurredAt > cursor.OccurredAt || (e.OccurredAt == cursor.OccurredAt && e.Id.CompareTo(cursor.Id) > 0));
        }
        events = descending
            ? events.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            : events.OrderBy(e => e.OccurredAt).ThenBy(e => e.Id);

        var rows = await events.Take(pageSize + 1).ToListAsync(cancellationToken);
        var next = rows.Count > pageSize
            ? ListPaging.EncodeToken(new Cursor(rows[pageSize - 1].OccurredAt, rows[pageSize - 1].Id), fingerprint)
            : "";
        return new AuditPage(rows.Take(pageSize).ToList(), next, total);
    }

    /// <summary>Makes user text literal inside a LIKE pattern.</summary>
    public static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
