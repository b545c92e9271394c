using System.Diagnostics;
using System.Linq.Expressions;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Auditing;
using Pms.Grpc.Certificates;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;
using Pms.Grpc.Paging;

namespace Pms.Grpc.FtmChips;

/// <summary>ListFtmChips' filters and paging, as received (validated here).</summary>
public sealed record FtmChipListQuery(
    int PageSize,
    string PageToken,
    string OrderBy,
    FtmChipStatus? Status,
    string MakeContains,
    string ModelContains,
    string OrganizationContains,
    string PartnerId,
    int CertificateExpiringWithinDays,
    bool IncludeTotalSize = true);

public sealed record FtmChipPage(IReadOnlyList<FtmChip> Chips, string NextPageToken, int TotalSize);

/// <summary>
/// Reading chips: one, a page, a certificate pair. Providers see their own chips only (another provider's chip is
/// NOT_FOUND, exactly as a missing one); admins and internal services see all.
/// </summary>
public sealed class FtmChipQueries(PmsDbContext db, IFtmProviderGate gate, FtmChipCountCache counts, TimeProvider time)
{
    public static readonly IReadOnlyList<string> OrderFields = ["created_at", "updated_at", "make", "model", "status", "organization_name"];

    // GetFtmChip is the most frequent read: compiled once, so a call skips EF's expression-tree hashing and cache lookup.
    // It reads every column but the two certificate PEMs, which the FtmChip message does not carry and which are the
    // only large ones (a few kilobytes each, TOASTed); GetFtmChipCertificate reads the whole row.
    private static readonly Expression<Func<FtmChip, FtmChip>> WithoutCertificatePems = c => new FtmChip
    {
        Id = c.Id,
        PartnerId = c.PartnerId,
        OrganizationName = c.OrganizationName,
        Make = c.Make,
        Model = c.Model,
        Status = c.Status,
        ReviewComment = c.ReviewComment,
        CertificateUploadedAt = c.CertificateUploadedAt,
        CaSignedNotAfter = c.CaSignedNotAfter,
        MosipSignedNotBefore = c.MosipSignedNotBefore,
        MosipSignedNotAfter = c.MosipSignedNotAfter,
        CreatedAt = c.CreatedAt,
        UpdatedAt = c.UpdatedAt,
        Version = c.Version,
    };

    private static readonly Func<PmsDbContext, Guid, CancellationToken, Task<FtmChip?>> AnyChipById =
        EF.CompileAsyncQuery((PmsDbContext db, Guid id, CancellationToken _) =>
            db.FtmChips.AsNoTracking().Where(c => c.Id == id).Select(WithoutCertificatePems).FirstOrDefault());

    private static readonly Func<PmsDbContext, Guid, Guid, CancellationToken, Task<FtmChip?>> OwnChipById =
        EF.CompileAsyncQuery((PmsDbContext db, Guid id, Guid partnerId, CancellationToken _) =>
            db.FtmChips.AsNoTracking().Where(c => c.Id == id && c.PartnerId == partnerId).Select(WithoutCertificatePems).FirstOrDefault());

    private static readonly Func<PmsDbContext, Guid, CancellationToken, Task<FtmChip?>> AnyChipWithCertificatesById =
        EF.CompileAsyncQuery((PmsDbContext db, Guid id, CancellationToken _) =>
            db.FtmChips.AsNoTracking().FirstOrDefault(c => c.Id == id));

    private static readonly Func<PmsDbContext, Guid, Guid, CancellationToken, Task<FtmChip?>> OwnChipWithCertificatesById =
        EF.CompileAsyncQuery((PmsDbContext db, Guid id, Guid partnerId, CancellationToken _) =>
            db.FtmChips.AsNoTracking().FirstOrDefault(c => c.Id == id && c.PartnerId == partnerId));

    /// <summary>
    /// The chip as GetFtmChip shows it: every field but the certificate PEMs (null here; see
    /// <see cref="GetCertificateAsync"/>). NOT_FOUND for another provider's chip as for a missing one.
    /// </summary>
    public Task<FtmChip> GetAsync(CurrentUser caller, string chipId, CancellationToken cancellationToken) =>
        FindAsync(caller, chipId, OwnChipById, AnyChipById, cancellationToken);

    private async Task<FtmChip> FindAsync(CurrentUser caller, string chipId,
        Func<PmsDbContext, Guid, Guid, CancellationToken, Task<FtmChip?>> ownChip,
        Func<PmsDbContext, Guid, CancellationToken, Task<FtmChip?>> anyChip, CancellationToken cancellationToken)
    {
        var id = ParseChipIdOrThrow(chipId);
        var chip = await VisiblePartnerAsync(caller, cancellationToken) is { } partnerId
            ? await ownChip(db, id, partnerId, cancellationToken)
            : await anyChip(db, id, cancellationToken);
        return chip ?? throw FtmChipErrors.NotFound();
    }

    /// <summary>
    /// The chip's CA-signed and MOSIP-signed certificates. Refused for a REJECTED chip (PMS_FTM_ERROR_008), a
    /// DEACTIVATED one (PMS_FTM_ERROR_009) and one without a certificate (PMS_FTM_ERROR_011).
    /// </summary>
    public async Task<FtmChipCertificateView> GetCertificateAsync(CurrentUser caller, string chipId, CancellationToken cancellationToken)
    {
        var chip = await FindAsync(caller, chipId, OwnChipWithCertificatesById, AnyChipWithCertificatesById, cancellationToken);
        switch (chip.Status)
        {
            case FtmChipStatus.Rejected:
                throw PmsErrors.FailedPrecondition("FTM_CHIP_REJECTED", "The chip was rejected; its certificate is not available.", "PMS_FTM_ERROR_008");
            case FtmChipStatus.Deactivated:
                throw PmsErrors.FailedPrecondition("FTM_CHIP_DEACTIVATED", "The chip is deactivated; its certificate is not available.", "PMS_FTM_ERROR_009");
        }
        if (chip.CaSignedCertificatePem is not { } caSigned || chip.MosipSignedCertificatePem is not { } mosipSigned
            || chip.CertificateUploadedAt is not { } uploadedAt || chip.CaSignedNotAfter is not { } caNotAfter
            || chip.MosipSignedNotBefore is not { } mosipNotBefore || chip.MosipSignedNotAfter is not { } mosipNotAfter)
        {
            throw PmsErrors.FailedPrecondition("FTM_CHIP_CERTIFICATE_NOT_UPLOADED", "No certificate has been uploaded for this chip yet.", "PMS_FTM_ERROR_011");
        }

        var parsed = CertificateParser.ParseSingle(Encoding.ASCII.GetBytes(caSigned));
        return new FtmChipCertificateView(chip.Id, new CertificatePairView(parsed.Subject, parsed.Issuer, caSigned, mosipSigned, uploadedAt,
            caNotAfter, mosipNotBefore, mosipNotAfter, JudgedAt: time.GetUtcNow()));
    }

    /// <summary>
    /// One page, by keyset: the page after a token is found by seeking the sort index to where the last page ended,
    /// so a page far down the list costs what the first costs. <c>total_size</c> is counted only when the request asks
    /// for it, on the first page, unless <see cref="FtmChipCountCache"/> holds a count of the same scope and filters taken
    /// since the last chip change; the page token carries that count to the later pages (AIP-158 lets <c>total_size</c>
    /// be an estimate), so walking a long list does not count it again on every page.
    /// </summary>
    public async Task<FtmChipPage> ListAsync(CurrentUser caller, FtmChipListQuery query, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        if (query.PageSize < 0)
        {
            violations.Add(new("page_size", "page_size must not be negative."));
        }
        if (query.CertificateExpiringWithinDays < 0)
        {
            violations.Add(new("certificate_expiring_within_days", "certificate_expiring_within_days must not be negative."));
        }
        Guid? partnerFilter = null;
        if (!string.IsNullOrWhiteSpace(query.PartnerId))
        {
            if (Guid.TryParse(query.PartnerId.Trim(), out var partnerId))
            {
                partnerFilter = partnerId;
            }
            else
            {
                violations.Add(new("partner_id", "partner_id must be a partner's id (a UUID)."));
            }
        }
        PmsErrors.ThrowIfAny(violations);
        var pageSize = ListPaging.PageSize(query.PageSize);
        var (field, descending) = OrderBy(query.OrderBy);

        var chips = db.FtmChips.AsNoTracking();
        var visiblePartner = await VisiblePartnerAsync(caller, cancellationToken);
        if (visiblePartner is { } ownChipsOf)
        {
            chips = chips.Where(c => c.PartnerId == ownChipsOf);
        }
        var scopeKey = caller.IsAdmin || caller.IsService ? "*" : caller.PartnerId?.ToString();
        var fingerprint = string.Join('|', scopeKey, query.Status, query.MakeContains, query.ModelContains, query.OrganizationContains,
            partnerFilter, query.CertificateExpiringWithinDays, field, descending);
        var cursor = FtmChipKeyset.Decode(query.PageToken, fingerprint);

        if (partnerFilter is { } onlyPartner)
        {
            chips = chips.Where(c => c.PartnerId == onlyPartner);
        }
        if (query.Status is { } status)
        {
            chips = chips.Where(c => c.Status == status);
        }
        if (query.MakeContains.Length > 0)
        {
            var pattern = Like(query.MakeContains);
            chips = chips.Where(c => EF.Functions.ILike(c.Make, pattern, "\\"));
        }
        if (query.ModelContains.Length > 0)
        {
            var pattern = Like(query.ModelContains);
            chips = chips.Where(c => EF.Functions.ILike(c.Model, pattern, "\\"));
        }
        if (query.OrganizationContains.Length > 0)
        {
            var pattern = Like(query.OrganizationContains);
            chips = chips.Where(c => EF.Functions.ILike(c.OrganizationName, pattern, "\\"));
        }
        if (query.CertificateExpiringWithinDays > 0)
        {
            var now = time.GetUtcNow();
            var horizon = now.AddDays(query.CertificateExpiringWithinDays);
            chips = chips.Where(c => c.CaSignedNotAfter != null && c.CaSignedNotAfter > now && c.CaSignedNotAfter <= horizon);
        }

        var total = !query.IncludeTotalSize ? (int?)null
            : cursor?.Total ?? await CountAsync(chips, string.Join('|', visiblePartner?.ToString() ?? "*", query.Status, query.MakeContains,
                query.ModelContains, query.OrganizationContains, partnerFilter, query.CertificateExpiringWithinDays), cancellationToken);
        if (cursor is not null)
        {
            chips = FtmChipKeyset.After(chips, field, descending, cursor);
        }
        var rows = await FtmChipKeyset.Order(chips, field, descending).Take(pageSize + 1).Select(WithoutCertificatePems).ToListAsync(cancellationToken);
        var next = rows.Count > pageSize ? FtmChipKeyset.Encode(FtmChipKeyset.CursorOf(rows[pageSize - 1], field) with { Total = total }, fingerprint) : "";
        return new FtmChipPage(rows.Take(pageSize).ToList(), next, total ?? 0);
    }

    private async Task<int> CountAsync(IQueryable<FtmChip> matching, string filterKey, CancellationToken cancellationToken)
    {
        if (counts.TryGet(filterKey, out var cached))
        {
            return cached;
        }
        var generation = counts.Generation;
        var startedAt = Stopwatch.GetTimestamp();
        var count = await matching.CountAsync(cancellationToken);
        counts.Set(filterKey, count, generation, startedAt);
        return count;
    }

    /// <summary>Whose chips the caller may see: a provider its own (after the consent and deactivation checks), others all (null).</summary>
    private async Task<Guid?> VisiblePartnerAsync(CurrentUser caller, CancellationToken cancellationToken)
    {
        if (caller.SeesEveryPartner)
        {
            return null;
        }
        return (await gate.RequireProviderForReadingAsync(caller, cancellationToken)).Id;
    }

    public static Guid ParseChipId(List<FieldViolation> violations, string chipId)
    {
        if (string.IsNullOrWhiteSpace(chipId))
        {
            violations.Add(new("ftm_chip_id", "ftm_chip_id is required."));
            return Guid.Empty;
        }
        if (!Guid.TryParse(chipId.Trim(), out var id))
        {
            violations.Add(new("ftm_chip_id", "ftm_chip_id must be a chip id (a UUID)."));
        }
        return id;
    }

    private static Guid ParseChipIdOrThrow(string chipId)
    {
        var violations = new List<FieldViolation>();
        var id = ParseChipId(violations, chipId);
        PmsErrors.ThrowIfAny(violations);
        return id;
    }

    // Paging refuses a bad order_by or page_token with VALIDATION_FAILED, as the contract says.
    private static (string Field, bool Descending) OrderBy(string orderBy) =>
        ListPaging.OrderBy(orderBy, [.. OrderFields], "created_at", defaultDescending: true);

    private static string Like(string text) => $"%{AuditQueries.EscapeLike(text)}%";
}
