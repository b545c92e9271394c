using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Auditing;
using Pms.Grpc.Certificates;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Paging;

namespace Pms.Grpc.TrustStore;

/// <summary>ListCaCertificates filters and paging. Empty/zero/null values mean "no filter".</summary>
public sealed record CaCertificateQuery(
    int PageSize,
    string PageToken,
    string OrderBy,
    PartnerDomain? Domain,
    CaCertificateType? Type,
    string SubjectContains,
    int ExpiringWithinDays);

public sealed record CaCertificatePage(IReadOnlyList<CaCertificate> Certificates, string NextPageToken, int TotalSize);

/// <summary>A stored CA certificate with its PEM and the PEM of its path up to its ROOT (itself first).</summary>
public sealed record CaCertificateDownload(CaCertificate Certificate, string CertificatePem, string TrustPathPem);

/// <summary>Reads the trust store: keyset-paged lists, one certificate, downloads with the trust path.</summary>
public sealed class CaCertificateQueries(PmsDbContext db, TimeProvider time)
{
    public const string NotFoundReason = "CA_CERTIFICATE_NOT_FOUND";

    private const string UploadedAt = "uploaded_at";
    private const string NotAfter = "not_after";
    private const string Subject = "subject";

    /// <summary>The position after the last row of a page: the sort key of that row (a time or a subject) and its id.</summary>
    private sealed record Cursor(DateTimeOffset? At, string? Text, Guid Id);

    public async Task<CaCertificatePage> ListAsync(CaCertificateQuery query, CancellationToken cancellationToken)
    {
        var pageSize = ListPaging.PageSize(query.PageSize);
        var (field, descending) = ListPaging.OrderBy(query.OrderBy, [UploadedAt, NotAfter, Subject], UploadedAt, defaultDescending: true);
        if (query.ExpiringWithinDays < 0)
        {
            throw PmsErrors.InvalidField("expiring_within_days", "expiring_within_days must not be negative.");
        }

        if (query.Domain is { } d && !Enum.IsDefined(d))
        {
            throw PmsErrors.InvalidField("partner_domain", "partner_domain is not a known domain.");
        }

        if (query.Type is { } t && !Enum.IsDefined(t))
        {
            throw PmsErrors.InvalidField("type", "type is not a known CA certificate type.");
        }

        var fingerprint = $"{query.Domain}|{query.Type}|{query.SubjectContains}|{query.ExpiringWithinDays}|{field}|{descending}";
        var cursor = ListPaging.DecodeToken<Cursor>(query.PageToken, fingerprint);
        if (cursor is not null && (field == Subject ? cursor.Text is null : cursor.At is null))
        {
            throw PmsErrors.InvalidField("page_token", "page_token is not valid for this query; start again without it.");
        }

        var rows = db.CaCertificates.AsNoTracking();
        if (query.Domain is { } domain)
        {
            rows = rows.Where(c => c.PartnerDomain == domain);
        }

        if (query.Type is { } type)
        {
            rows = rows.Where(c => c.Type == type);
        }

        if (!string.IsNullOrEmpty(query.SubjectContains))
        {
            var pattern = $"%{AuditQueries.EscapeLike(query.SubjectContains)}%";
            rows = rows.Where(c => EF.Functions.ILike(c.Subject, pattern, "\\"));
        }

        if (query.ExpiringWithinDays > 0)
        {
            var now = time.GetUtcNow();
            var horizon = now.AddDays(query.ExpiringWithinDays);
            rows = rows.Where(c => c.NotAfter > now && c.NotAfter <= horizon);
        }

        var total = await rows.CountAsync(cancellationToken);
        if (cursor is not null)
        {
            rows = After(rows, field, descending, cursor);
        }

        rows = (field, descending) switch
        {
            (Subject, false) => rows.OrderBy(c => c.Subject).ThenBy(c => c.Id),
            (Subject, true) => rows.OrderByDescending(c => c.Subject).ThenByDescending(c => c.Id),
            (NotAfter, false) => rows.OrderBy(c => c.NotAfter).ThenBy(c => c.Id),
            (NotAfter, true) => rows.OrderByDescending(c => c.NotAfter).ThenByDescending(c => c.Id),
            (_, false) => rows.OrderBy(c => c.UploadedAt).ThenBy(c => c.Id),
            (_, true) => rows.OrderByDescending(c => c.UploadedAt).ThenByDescending(c => c.Id),
        };

        // The DER stays in the database: a list never returns it.
        var page = await rows.Select(c => new CaCertificate
        {
            Id = c.Id,
            PartnerDomain = c.PartnerDomain,
            Type = c.Type,
            Subject = c.Subject,
            Issuer = c.Issuer,
            SerialNumber = c.SerialNumber,
            NotBefore = c.NotBefore,
            NotAfter = c.NotAfter,
            ThumbprintSha256 = c.ThumbprintSha256,
            IssuerCertificateId = c.IssuerCertificateId,
            Der = Array.Empty<byte>(),
            PublicKeyAlgorithm = c.PublicKeyAlgorithm,
            UploadedAt = c.UploadedAt,
            UploadedBy = c.UploadedBy,
        }).Take(pageSize + 1).ToListAsync(cancellationToken);

        var next = "";
        if (page.Count > pageSize)
        {
            var last = page[pageSize - 1];
            next = ListPaging.EncodeToken(field switch
            {
                Subject => new Cursor(null, last.Subject, last.Id),
                NotAfter => new Cursor(last.NotAfter, null, last.Id),
                _ => new Cursor(last.UploadedAt, null, last.Id),
            }, fingerprint);
            page.RemoveAt(pageSize);
        }

        return new CaCertificatePage(page, next, total);
    }

    public async Task<CaCertificate> GetAsync(string certificateId, CancellationToken cancellationToken)
    {
        var id = ParseId(certificateId);
        return await db.CaCertificates.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw NotFound();
    }

    /// <summary>The certificate and its trust path, following the stored issuer links up to the ROOT.</summary>
    public async Task<CaCertificateDownload> DownloadAsync(string certificateId, CancellationToken cancellationToken)
    {
        var certificate = await GetAsync(certificateId, cancellationToken);
        var path = new List<CaCertificate> { certificate };
        var current = certificate;
        // Issuer links are set at upload and never change; the bound only guards against a corrupted table.
        while (current.IssuerCertificateId is { } issuerId && path.Count <= TrustPathLimits.MaxDepth && path.TrueForAll(c => c.Id != issuerId))
        {
            var issuer = await db.CaCertificates.AsNoTracking().FirstOrDefaultAsync(c => c.Id == issuerId, cancellationToken);
            if (issuer is null)
            {
                break;
            }

            path.Add(issuer);
            current = issuer;
        }

        return new CaCertificateDownload(certificate, CertificateText.ToPem(certificate.Der), string.Concat(path.Select(c => CertificateText.ToPem(c.Der))));
    }

    private static IQueryable<CaCertificate> After(IQueryable<CaCertificate> rows, string field, bool descending, Cursor cursor)
    {
        var id = cursor.Id;
        if (field == Subject)
        {
            var text = cursor.Text!;
            return descending
                ? rows.Where(c => string.Compare(c.Subject, text) < 0 || (c.Subject == text && c.Id.CompareTo(id) < 0))
                : rows.Where(c => string.Compare(c.Subject, text) > 0 || (c.Subject == text && c.Id.CompareTo(id) > 0));
        }

        var at = cursor.At!.Value;
        return (field, descending) switch
        {
            (NotAfter, true) => rows.Where(c => c.NotAfter < at || (c.NotAfter == at && c.Id.CompareTo(id) < 0)),
            (NotAfter, false) => rows.Where(c => c.NotAfter > at || (c.NotAfter == at && c.Id.CompareTo(id) > 0)),
            (_, true) => rows.Where(c => c.UploadedAt < at || (c.UploadedAt == at && c.Id.CompareTo(id) < 0)),
            (_, false) => rows.Where(c => c.UploadedAt > at || (c.UploadedAt == at && c.Id.CompareTo(id) > 0)),
        };
    }

    // Ids are UUIDs; anything else cannot name a stored certificate and answers as a missing one.
    private static Guid ParseId(string certificateId)
    {
        if (string.IsNullOrWhiteSpace(certificateId))
        {
            throw PmsErrors.InvalidField("certificate_id", "certificate_id is required.");
        }

        return Guid.TryParse(certificateId.Trim(), out var id) ? id : throw NotFound();
    }

    private static PmsException NotFound() => PmsErrors.NotFound(NotFoundReason, "No such CA certificate.");
}
