using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Auditing;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Paging;

namespace Pms.Grpc.Partners;

/// <summary>ListPartners' parameters; null filters match everything.</summary>
public sealed record PartnerListQuery(
    int PageSize,
    string PageToken,
    string OrderBy,
    PartnerType? Type,
    PartnerStatus? Status,
    string OrganizationContains);

public sealed record PartnerPage(IReadOnlyList<PartnerDetails> Partners, string NextPageToken, int TotalSize);

/// <summary>Lists partners for the admin (AIP-158), keyset-paged on (sort key, id) so pages stay stable while partners register.</summary>
public sealed class PartnerQueries(PmsDbContext db, PartnerDirectory directory)
{
    private static readonly string[] OrderFields = ["created_at", "organization_name", "username", "status"];

    private sealed class Row
    {
        public required Partner Partner { get; init; }
        public required string Username { get; init; }
        public bool HasCertificate { get; init; }
    }

    // The position after the last row of a page: the value of the sort key it was sorted by, and its id.
    private sealed record Cursor(DateTimeOffset? CreatedAt, string? Text, PartnerStatus? Status, Guid Id);

    public async Task<PartnerPage> ListAsync(PartnerListQuery query, CancellationToken cancellationToken)
    {
        var pageSize = ListPaging.PageSize(query.PageSize);
        var (field, descending) = ListPaging.OrderBy(query.OrderBy, OrderFields, "created_at", defaultDescending: true);
        var contains = query.OrganizationContains.Trim();
        var fingerprint = $"partners|{query.Type}|{query.Status}|{contains}|{field}|{descending}";
        var cursor = ListPaging.DecodeToken<Cursor>(query.PageToken, fingerprint);

        var rows =
            from p in db.Partners.AsNoTracking()
            join u in db.Users on (Guid?)p.Id equals u.PartnerId
            select new Row
            {
                Partner = p,
                Username = u.Username,
                HasCertificate = db.PartnerCertificates.Any(c => c.PartnerId == p.Id && c.IsCurrent),
            };
        if (query.Type is { } type)
        {
            rows = rows.Where(r => r.Partner.PartnerType == type);
        }
        if (query.Status is { } status)
        {
            rows = rows.Where(r => r.Partner.Status == status);
        }
        if (contains.Length > 0)
        {
            var pattern = $"%{AuditQueries.EscapeLike(contains)}%";
            rows = rows.Where(r => EF.Functions.ILike(r.Partner.OrganizationName, pattern, "\\"));
        }

        var total = await rows.CountAsync(cancellationToken);
        if (cursor is not null)
        {
            rows = After(rows, field, descending, cursor);
        }
        var page = await Order(rows, field, descending).Take(pageSize + 1).ToListAsync(cancellationToken);

        var next = "";
        if (page.Count > pageSize)
        {
            var last = page[pageSize - 1];
            next = ListPaging.EncodeToken(field switch
            {
                "organization_name" => new Cursor(null, last.Partner.OrganizationName, null, last.Partner.Id),
                "username" => new Cursor(null, last.Username, null, last.Partner.Id),
                "status" => new Cursor(null, null, last.Partner.Status, last.Partner.Id),
                _ => new Cursor(last.Partner.CreatedAt, null, null, last.Partner.Id),
            }, fingerprint);
        }
        return new PartnerPage(
            page.Take(pageSize).Select(r => directory.Describe(r.Partner, r.Username, r.HasCertificate)).ToList(),
            next,
            total);
    }

    private static IQueryable<Row> Order(IQueryable<Row> rows, string field, bool descending) => (field, descending) switch
    {
        ("organization_name", false) => rows.OrderBy(r => r.Partner.OrganizationName).ThenBy(r => r.Partner.Id),
        ("organization_name", true) => rows.OrderByDescending(r => r.Partner.OrganizationName).ThenByDescending(r => r.Partner.Id),
        ("username", false) => rows.OrderBy(r => r.Username).ThenBy(r => r.Partner.Id),
        ("username", true) => rows.OrderByDescending(r => r.Username).ThenByDescending(r => r.Partner.Id),
        ("status", false) => rows.OrderBy(r => r.Partner.Status).ThenBy(r => r.Partner.Id),
        ("status", true) => rows.OrderByDescending(r => r.Partner.Status).ThenByDescending(r => r.Partner.Id),
        (_, false) => rows.OrderBy(r => r.Partner.CreatedAt).ThenBy(r => r.Partner.Id),
        (_, true) => rows.OrderByDescending(r => r.Partner.CreatedAt).ThenByDescending(r => r.Partner.Id),
    };

    // Rows strictly after the cursor in the page order. A token of this query always carries the field's value.
    private static IQueryable<Row> After(IQueryable<Row> rows, string field, bool descending, Cursor c)
    {
        var text = c.Text ?? "";
        var status = c.Status ?? default;
        var createdAt = c.CreatedAt ?? default;
        return (field, descending) switch
        {
            ("organization_name", false) => rows.Where(r => string.Compare(r.Partner.OrganizationName, text) > 0
                || (r.Partner.OrganizationName == text && r.Partner.Id.CompareTo(c.Id) > 0)),
            ("organization_name", true) => rows.Where(r => string.Compare(r.Partner.OrganizationName, text) < 0
                || (r.Partner.OrganizationName == text && r.Partner.Id.CompareTo(c.Id) < 0)),
            ("username", false) => rows.Where(r => string.Compare(r.Username, text) > 0
                || (r.Username == text && r.Partner.Id.CompareTo(c.Id) > 0)),
            ("username", true) => rows.Where(r => string.Compare(r.Username, text) < 0
                || (r.Username == text && r.Partner.Id.CompareTo(c.Id) < 0)),
            ("status", false) => rows.Where(r => r.Partner.Status > status
                || (r.Partner.Status == status && r.Partner.Id.CompareTo(c.Id) > 0)),
            ("status", true) => rows.Where(r => r.Partner.Status < status
                || (r.Partner.Status == status && r.Partner.Id.CompareTo(c.Id) < 0)),
            (_, false) => rows.Where(r => r.Partner.CreatedAt > createdAt
                || (r.Partner.CreatedAt == createdAt && r.Partner.Id.CompareTo(c.Id) > 0)),
            (_, true) => rows.Where(r => r.Partner.CreatedAt < createdAt
                || (r.Partner.CreatedAt == createdAt && r.Partner.Id.CompareTo(c.Id) < 0)),
        };
    }
}
