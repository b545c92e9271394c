using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Paging;

namespace Pms.Grpc.FtmChips;

/// <summary>
/// ListFtmChips' keyset paging: where a page ended (the cursor its page token carries), the rows after that point, and
/// the order each sort index serves, so a page far down the list costs what the first costs.
/// </summary>
internal static class FtmChipKeyset
{
    // Where the previous page ended: the sort key (one of these, by order field) and the id that breaks ties; and the
    // total the first page counted, so that later pages need not count again (null in tokens made before it was kept).
    internal sealed record Cursor(DateTimeOffset? At, string? Text, int? Status, Guid Id, int? Total = null);

    public static Cursor? Decode(string pageToken, string fingerprint) => ListPaging.DecodeToken<Cursor>(pageToken, fingerprint);

    public static string Encode(Cursor cursor, string fingerprint) => ListPaging.EncodeToken(cursor, fingerprint);

    public static Cursor CursorOf(FtmChip chip, string field) => field switch
    {
        "created_at" => new Cursor(chip.CreatedAt, null, null, chip.Id),
        "updated_at" => new Cursor(chip.UpdatedAt, null, null, chip.Id),
        "make" => new Cursor(null, chip.Make, null, chip.Id),
        "model" => new Cursor(null, chip.Model, null, chip.Id),
        "organization_name" => new Cursor(null, chip.OrganizationName, null, chip.Id),
        _ => new Cursor(chip.CreatedAt, null, (int)chip.Status, chip.Id),
    };

    // Row-value comparisons, (key, id) > (@key, @id), which PostgreSQL answers by seeking the (key, id) index.
    public static IQueryable<FtmChip> After(IQueryable<FtmChip> chips, string field, bool descending, Cursor cursor)
    {
        var at = cursor.At.GetValueOrDefault();
        var text = cursor.Text ?? "";
        var status = (FtmChipStatus)cursor.Status.GetValueOrDefault();
        var id = cursor.Id;
        return (field, descending) switch
        {
            ("created_at", false) => chips.Where(c => EF.Functions.GreaterThan(ValueTuple.Create(c.CreatedAt, c.Id), ValueTuple.Create(at, id))),
            ("created_at", true) => chips.Where(c => EF.Functions.LessThan(ValueTuple.Create(c.CreatedAt, c.Id), ValueTuple.Create(at, id))),
            ("updated_at", false) => chips.Where(c => EF.Functions.GreaterThan(ValueTuple.Create(c.UpdatedAt, c.Id), ValueTuple.Create(at, id))),
            ("updated_at", true) => chips.Where(c => EF.Functions.LessThan(ValueTuple.Create(c.UpdatedAt, c.Id), ValueTuple.Create(at, id))),
            ("make", false) => chips.Where(c => EF.Functions.GreaterThan(ValueTuple.Create(c.Make, c.Id), ValueTuple.Create(text, id))),
            ("make", true) => chips.Where(c => EF.Functions.LessThan(ValueTuple.Create(c.Make, c.Id), ValueTuple.Create(text, id))),
            ("model", false) => chips.Where(c => EF.Functions.GreaterThan(ValueTuple.Create(c.Model, c.Id), ValueTuple.Create(text, id))),
            ("model", true) => chips.Where(c => EF.Functions.LessThan(ValueTuple.Create(c.Model, c.Id), ValueTuple.Create(text, id))),
            ("organization_name", false) => chips.Where(c =>
                EF.Functions.GreaterThan(ValueTuple.Create(c.OrganizationName, c.Id), ValueTuple.Create(text, id))),
            ("organization_name", true) => chips.Where(c =>
                EF.Functions.LessThan(ValueTuple.Create(c.OrganizationName, c.Id), ValueTuple.Create(text, id))),
            (_, false) => chips.Where(c =>
                EF.Functions.GreaterThan(ValueTuple.Create(c.Status, c.CreatedAt, c.Id), ValueTuple.Create(status, at, id))),
            (_, true) => chips.Where(c =>
                EF.Functions.LessThan(ValueTuple.Create(c.Status, c.CreatedAt, c.Id), ValueTuple.Create(status, at, id))),
        };
    }

    // Status sorts by (status, created_at, id): the (status, created_at, id) index serves it.
    public static IQueryable<FtmChip> Order(IQueryable<FtmChip> chips, string field, bool descending) => (field, descending) switch
    {
        ("created_at", false) => chips.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id),
        ("created_at", true) => chips.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id),
        ("updated_at", false) => chips.OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id),
        ("updated_at", true) => chips.OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id),
        ("make", false) => chips.OrderBy(c => c.Make).ThenBy(c => c.Id),
        ("make", true) => chips.OrderByDescending(c => c.Make).ThenByDescending(c => c.Id),
        ("model", false) => chips.OrderBy(c => c.Model).ThenBy(c => c.Id),
        ("model", true) => chips.OrderByDescending(c => c.Model).ThenByDescending(c => c.Id),
        ("organization_name", false) => chips.OrderBy(c => c.OrganizationName).ThenBy(c => c.Id),
        ("organization_name", true) => chips.OrderByDescending(c => c.OrganizationName).ThenByDescending(c => c.Id),
        (_, false) => chips.OrderBy(c => c.Status).ThenBy(c => c.CreatedAt).ThenBy(c => c.Id),
        (_, true) => chips.OrderByDescending(c => c.Status).ThenByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id),
    };
}
