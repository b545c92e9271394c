using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pms.Grpc.Auditing;
using Pms.Grpc.Certificates;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;

namespace Pms.Grpc.TrustStore;

/// <summary>One entry of an uploaded bundle that was not stored, and why.</summary>
/// <param name="Index">Zero-based position in the bundle as sent.</param>
public sealed record BundleEntryFailure(int Index, string? Subject, string Reason, string MosipErrorCode, string Message);

/// <summary>What an upload stored (in processing order, roots first) and, for a bundle, what it refused.</summary>
public sealed record CaUploadResult(IReadOnlyList<CaCertificate> Stored, IReadOnlyList<BundleEntryFailure> Failures);

/// <summary>
/// UploadCaCertificate: the partner admin adds CA certificates to the trust store of a domain. A bundle is
/// processed root-first, each entry checked by <see cref="CaCertificateRules"/> against the trust store as it
/// grows; uploads to one domain are serialised (a transaction-scoped advisory lock), so the store they check
/// against is the one they commit to. Every upload, accepted or refused, lands in the audit log.
/// </summary>
public sealed class CaCertificateUploads(
    PmsDbContext db,
    IAuditLog audit,
    TrustAnchors anchors,
    CaCertificateRules rules,
    TimeProvider time,
    ILogger<CaCertificateUploads> logger)
{
    public const string AuditAction = "UPLOAD_CA_CERTIFICATE";
    public const string AuditResourceType = "ca_certificate";
    public const string AlreadyExistsReason = CertificateReasons.AlreadyExists;

    // First key of pg_advisory_xact_lock(int, int): "trust store" uploads; the second key is the domain.
    private const int UploadLockNamespace = 0x7472_7374;

    private sealed record Failure(int Index, ParsedCertificate? Certificate, CertificateRuleViolation Violation);

    public async Task<CaUploadResult> UploadAsync(PartnerDomain? requestedDomain, ReadOnlyMemory<byte> data, CurrentUser actor, CancellationToken cancellationToken)
    {
        var requested = CertificateInput.CheckDomain(requestedDomain);
        var read = requested.IsAccepted ? CertificateInput.Read(data.Span) : requested.Violation;
        if (!read.IsAccepted)
        {
            await RecordRefusedAsync(requestedDomain, 0, [new Failure(0, null, read.Violation)], actor, cancellationToken);
            throw CertificateRefusals.ToRefusal(read.Violation);
        }

        var domain = requested.Value;
        var certificates = read.Value;

        var ordered = CertificateBundle.OrderRootFirst(certificates);
        var stored = new List<CaCertificate>();
        var failures = new List<Failure>();

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({UploadLockNamespace}, {(int)domain})", cancellationToken);
            var store = await anchors.GetCurrentAsync(domain, cancellationToken);
            // PostgreSQL keeps microseconds: answer with the instant as it will be read back.
            var now = time.GetUtcNow();
            now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
            foreach (var certificate in ordered)
            {
                var index = IndexOf(certificates, certificate);
                var decision = rules.Check(certificate, store);
                if (!decision.IsAccepted)
                {
                    failures.Add(new Failure(index, certificate, decision.Violation));
                    continue;
                }

                var row = ToRow(certificate, decision.Value, domain, actor, now);
                db.CaCertificates.Add(row);
                audit.Add(Audited(actor, row.Id.ToString(), AuditEntry.Success, Detail(domain, index, certificates.Count, certificate, row, null)) with
                {
                    ToStatus = row.Type == CaCertificateType.Root ? "ROOT" : "INTERMEDIATE",
                });
                store = store.With(new TrustStoreEntry(row.Id, certificate, decision.Value.Kind));
                stored.Add(row);
            }

            if (stored.Count > 0)
            {
                foreach (var failure in failures)
                {
                    audit.Add(FailureEntry(domain, certificates.Count, failure, actor));
                }

                // Delivered to every listening replica when, and only if, the transaction commits.
                await db.Database.ExecuteSqlAsync($"SELECT pg_notify({TrustStoreChangeListener.Channel}, {TrustAnchors.DomainName(domain)})", cancellationToken);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }
                catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
                {
                    // The lock makes this unreachable for PMS's own writers; the unique index still has the last word.
                    await transaction.RollbackAsync(cancellationToken);
                    db.ChangeTracker.Clear();
                    stored.Clear();
                    failures.Clear();
                    failures.Add(new Failure(0, null, new CertificateRuleViolation(AlreadyExistsReason, MosipErrorCodes.CertificateExists,
                        $"A certificate of this upload was stored in the {TrustAnchors.DomainName(domain)} trust store at the same time by another request.",
                        CertificateViolationKind.AlreadyExists)));
                }
            }
            else
            {
                await transaction.RollbackAsync(cancellationToken);
            }
        }

        if (stored.Count == 0)
        {
            // A single certificate, or a bundle of which nothing could be stored: the first failure is the answer.
            await RecordRefusedAsync(domain, certificates.Count, failures, actor, cancellationToken);
            throw CertificateRefusals.ToRefusal(failures[0].Violation);
        }

        anchors.Invalidate(domain, "upload");
        logger.LogInformation("{User} stored {Stored} CA certificate(s) in the {Domain} trust store; {Failed} bundle entr(ies) refused",
            actor.Username, stored.Count, TrustAnchors.DomainName(domain), failures.Count);
        return new CaUploadResult(stored, [.. failures.OrderBy(f => f.Index).Select(ToBundleFailure)]);
    }

    private static CaCertificate ToRow(ParsedCertificate certificate, CaCertificateDecision decision, PartnerDomain domain, CurrentUser actor, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PartnerDomain = domain,
        Type = decision.Kind == CaCertificateKind.Root ? CaCertificateType.Root : CaCertificateType.Intermediate,
        Subject = certificate.Subject,
        Issuer = certificate.Issuer,
        SerialNumber = certificate.SerialNumberHex,
        NotBefore = certificate.NotBefore,
        NotAfter = certificate.NotAfter,
        ThumbprintSha256 = certificate.ThumbprintSha256,
        IssuerCertificateId = decision.IssuerId,
        Der = certificate.Der.ToArray(),
        PublicKeyAlgorithm = certificate.Key.Description,
        UploadedAt = now,
        UploadedBy = actor.Username,
    };

    // Position in the bundle as sent; parsed certificates are distinct objects even when their bytes repeat.
    private static int IndexOf(IReadOnlyList<ParsedCertificate> certificates, ParsedCertificate certificate)
    {
        for (var i = 0; i < certificates.Count; i++)
        {
            if (ReferenceEquals(certificates[i], certificate))
            {
                return i;
            }
        }

        return -1;
    }

    private async Task RecordRefusedAsync(PartnerDomain? domain, int bundleSize, IReadOnlyList<Failure> failures, CurrentUser actor, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        foreach (var failure in failures)
        {
            audit.Add(FailureEntry(domain, bundleSize, failure, actor));
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static AuditEntry FailureEntry(PartnerDomain? domain, int bundleSize, Failure failure, CurrentUser actor)
    {
        var entry = Audited(actor, failure.Certificate?.ThumbprintSha256 ?? "", AuditEntry.Failure,
            Detail(domain, failure.Index, bundleSize, failure.Certificate, null, failure.Violation));
        return entry with { Comment = failure.Violation.Reason };
    }

    private static AuditEntry Audited(CurrentUser actor, string resourceId, string outcome, string detailJson) =>
        new(AuditAction, AuditResourceType, resourceId, actor.UserId, actor.Username, Outcome: outcome, DetailJson: detailJson);

    private static string Detail(PartnerDomain? domain, int index, int bundleSize, ParsedCertificate? certificate, CaCertificate? row,
        CertificateRuleViolation? refusal) =>
        JsonSerializer.Serialize(new
        {
            partnerDomain = domain is { } d && Enum.IsDefined(d) ? TrustAnchors.DomainName(d) : null,
            bundleIndex = bundleSize > 1 ? index : (int?)null,
            bundleSize,
            subject = certificate?.Subject,
            issuer = certificate?.Issuer,
            serialNumber = certificate?.SerialNumberHex,
            thumbprintSha256 = certificate?.ThumbprintSha256,
            notAfter = certificate?.NotAfter,
            issuerCertificateId = row?.IssuerCertificateId,
            reason = refusal?.Reason,
            mosipErrorCode = string.IsNullOrEmpty(refusal?.MosipErrorCode) ? null : refusal.MosipErrorCode,
            message = refusal?.Message,
        });

    private static BundleEntryFailure ToBundleFailure(Failure failure) =>
        new(failure.Index, failure.Certificate?.Subject, failure.Violation.Reason, failure.Violation.MosipErrorCode, failure.Violation.Message);
}
