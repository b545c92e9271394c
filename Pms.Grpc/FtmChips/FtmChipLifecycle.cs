using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pms.Grpc.Auditing;
using Pms.Grpc.Certificates;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;
using Pms.Grpc.TrustStore;

namespace Pms.Grpc.FtmChips;

/// <summary>
/// The changes of the FTM chip lifecycle: add, upload the certificate, approve, reject, deactivate. Each one is a
/// single transaction holding the chip's new state, its audit line and the notification for watchers; two changes
/// racing on one chip collide on the row version (xmin) and only the first to commit wins.
/// </summary>
public sealed class FtmChipLifecycle(
    PmsDbContext db,
    IFtmProviderGate gate,
    EndEntityCertificateRules certificateRules,
    ITrustAnchors trustAnchors,
    IMosipSigner signer,
    IAuditLog audit,
    FtmChipCountCache counts,
    TimeProvider time)
{
    public const int MaxMakeOrModelLength = 36;
    public const int MaxCommentLength = 500;
    private const string ActiveMakeModelIndex = "ix_ftm_chips_active_make_model";

    /// <summary>A new chip of the calling provider, PENDING_CERT_UPLOAD, carrying the provider's registered organisation.</summary>
    public async Task<FtmChip> AddAsync(CurrentUser caller, string make, string model, CancellationToken cancellationToken)
    {
        make = make.Trim();
        model = model.Trim();
        var violations = new List<FieldViolation>();
        CheckName(violations, "make", make);
        CheckName(violations, "model", model);
        PmsErrors.ThrowIfAny(violations);

        var partner = await gate.RequireCertifiedProviderAsync(caller, cancellationToken);
        // The index below decides races; this answers the common case without a failed insert.
        if (await db.FtmChips.AnyAsync(c => c.PartnerId == partner.Id && c.Make == make && c.Model == model
            && c.Status != FtmChipStatus.Rejected && c.Status != FtmChipStatus.Deactivated, cancellationToken))
        {
            throw FtmChipErrors.AlreadyExists(make, model);
        }
        var now = Now();
        var chip = new FtmChip
        {
            Id = Guid.CreateVersion7(),
            PartnerId = partner.Id,
            OrganizationName = partner.OrganizationName,
            Make = make,
            Model = model,
            Status = FtmChipStatus.PendingCertUpload,
            CreatedAt = now,
            UpdatedAt = now,
        };

        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.FtmChips.Add(chip);
            var entry = audit.Add(new AuditEntry(FtmChipNames.AuditAction(FtmChipChangeKind.Created), FtmChipNames.ResourceType,
                chip.Id.ToString(), caller.UserId, caller.Username, ToStatus: FtmChipNames.ApiName(chip.Status)));
            entry.OccurredAt = now; // the chip's own time, at the database's precision, so event, audit line and chip agree
            await db.SaveChangesAsync(cancellationToken);
            await db.NotifyInTransactionAsync(new FtmChipChange(chip.Id, chip.PartnerId, FtmChipChangeKind.Created, entry.Id,
                null, chip.Status, caller.Username, entry.OccurredAt), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            // This replica's next list counts again at once; the others (and this one, again) hear it through the NOTIFY.
            counts.Changed();
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: ActiveMakeModelIndex })
        {
            // The partial unique index decides, so two concurrent adds of one make and model cannot both succeed.
            throw FtmChipErrors.AlreadyExists(make, model);
        }
        return chip;
    }

    /// <summary>
    /// Checks the chip's CA-signed certificate (FTM trust path, O= of the owning provider, key, signature, validity),
    /// issues its MOSIP-signed copy and moves the chip to PENDING_APPROVAL, also from APPROVED (a renewal the admin
    /// approves again).
    /// </summary>
    public async Task<FtmChip> UploadCertificateAsync(CurrentUser caller, string chipId, ReadOnlyMemory<byte> certificateData, string etag,
        CancellationToken cancellationToken)
    {
        var id = ParseId(chipId, comment: "");
        // Bounded before anything else is done for the call.
        CertificateInput.CheckSize(certificateData.Length).OrRefuse();
        if (!caller.IsAdmin)
        {
            await gate.RequireCertifiedProviderAsync(caller, cancellationToken);
        }

        var chip = await LoadForChangeAsync(caller, id, etag, FtmChipCommand.UploadCertificate, cancellationToken);
        var owner = await db.Partners.AsNoTracking().FirstAsync(p => p.Id == chip.PartnerId, cancellationToken);

        var input = CertificateInput.ReadEndEntity(certificateData, requireVersion3: true).OrRefuse();
        var store = await trustAnchors.GetAsync(PartnerDomain.Ftm, cancellationToken);
        // The registered organisation now, not the one when the chip was added: after a rename, renewals carry the new name.
        var decision = certificateRules.Check(input, owner.OrganizationName, store).OrRefuse();
        var mosipSigned = signer.Authority.IssueMosipSignedCertificate(decision.Certificate);

        var now = Now();
        chip.OrganizationName = owner.OrganizationName;
        chip.CaSignedCertificatePem = decision.Certificate.ToPem();
        chip.MosipSignedCertificatePem = mosipSigned.ToPem();
        chip.CertificateUploadedAt = now;
        chip.CaSignedNotAfter = decision.Certificate.NotAfter;
        chip.MosipSignedNotBefore = mosipSigned.NotBefore;
        chip.MosipSignedNotAfter = mosipSigned.NotAfter;
        var detail = System.Text.Json.JsonSerializer.Serialize(new
        {
            subject = decision.Certificate.Subject,
            issuer = decision.Certificate.Issuer,
            thumbprint_sha256 = decision.Certificate.ThumbprintSha256,
            ca_signed_not_after = decision.Certificate.NotAfter,
            mosip_signed_not_after = mosipSigned.NotAfter,
        });
        await CommitTransitionAsync(caller, chip, FtmChipCommand.UploadCertificate, comment: null, detail, now, cancellationToken);
        return chip;
    }

    /// <summary>PENDING_APPROVAL → APPROVED; the comment is kept on the chip.</summary>
    public Task<FtmChip> ApproveAsync(CurrentUser caller, string chipId, string comment, string etag, CancellationToken cancellationToken) =>
        ReviewAsync(caller, chipId, comment, etag, FtmChipCommand.Approve, cancellationToken);

    /// <summary>PENDING_APPROVAL → REJECTED (final); the comment is kept on the chip.</summary>
    public Task<FtmChip> RejectAsync(CurrentUser caller, string chipId, string comment, string etag, CancellationToken cancellationToken) =>
        ReviewAsync(caller, chipId, comment, etag, FtmChipCommand.Reject, cancellationToken);

    /// <summary>APPROVED → DEACTIVATED (final), by the owner or the admin; the comment goes to the audit trail.</summary>
    public async Task<FtmChip> DeactivateAsync(CurrentUser caller, string chipId, string comment, string etag, CancellationToken cancellationToken)
    {
        var id = ParseId(chipId, comment);
        if (!caller.IsAdmin)
        {
            await gate.RequireProviderAsync(caller, cancellationToken);
        }
        var chip = await LoadForChangeAsync(caller, id, etag, FtmChipCommand.Deactivate, cancellationToken);
        await CommitTransitionAsync(caller, chip, FtmChipCommand.Deactivate, NullIfEmpty(comment), detailJson: null, Now(), cancellationToken);
        return chip;
    }

    private async Task<FtmChip> ReviewAsync(CurrentUser caller, string chipId, string comment, string etag, FtmChipCommand command,
        CancellationToken cancellationToken)
    {
        var id = ParseId(chipId, comment);
        var chip = await LoadForChangeAsync(caller, id, etag, command, cancellationToken);
        chip.ReviewComment = NullIfEmpty(comment.Trim());
        await CommitTransitionAsync(caller, chip, command, chip.ReviewComment, detailJson: null, Now(), cancellationToken);
        return chip;
    }

    // Loads the chip tracked, with the version it was read at: the update succeeds only if nobody changed it since.
    private async Task<FtmChip> LoadForChangeAsync(CurrentUser caller, Guid id, string etag, FtmChipCommand command,
        CancellationToken cancellationToken)
    {
        var chip = await db.FtmChips.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (chip is null)
        {
            throw FtmChipErrors.NotFound();
        }
        var actor = FtmChipStateMachine.ActorFor(caller.IsAdmin, caller.IsService, caller.PartnerId, chip.PartnerId);
        var decision = FtmChipStateMachine.Decide(chip.Status, command, actor);
        // A stale view is reported as such, before the status check it may well explain; but never to someone who may not see the chip.
        if (decision.Verdict is not (FtmChipVerdict.NotFound or FtmChipVerdict.PermissionDenied)
            && etag.Length > 0 && etag != FtmChipNames.ETag(chip))
        {
            throw FtmChipErrors.ETagMismatch();
        }
        if (!decision.IsAllowed)
        {
            throw FtmChipErrors.Refuse(decision, chip.Status, command);
        }
        return chip;
    }

    private async Task CommitTransitionAsync(CurrentUser caller, FtmChip chip, FtmChipCommand command, string? comment, string? detailJson,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = chip.Status;
        var actor = FtmChipStateMachine.ActorFor(caller.IsAdmin, caller.IsService, caller.PartnerId, chip.PartnerId);
        var to = FtmChipStateMachine.Decide(from, command, actor).To
            ?? throw new InvalidOperationException($"{command} from {from} was checked as allowed.");
        var kind = FtmChipNames.ChangeOf(command);
        chip.Status = to;
        chip.UpdatedAt = now;

        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var entry = audit.Add(new AuditEntry(FtmChipNames.AuditAction(kind), FtmChipNames.ResourceType, chip.Id.ToString(),
                caller.UserId, caller.Username, FtmChipNames.ApiName(from), FtmChipNames.ApiName(to), comment, DetailJson: detailJson));
            entry.OccurredAt = now;
            await db.SaveChangesAsync(cancellationToken);
            await db.NotifyInTransactionAsync(new FtmChipChange(chip.Id, chip.PartnerId, kind, entry.Id, from, to, caller.Username,
                entry.OccurredAt), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            counts.Changed();
        }
        catch (DbUpdateConcurrencyException)
        {
            throw FtmChipErrors.ConcurrentModification();
        }
    }

    private DateTimeOffset Now()
    {
        // PostgreSQL keeps microseconds: what we answer now equals what a later read returns.
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    private static Guid ParseId(string chipId, string comment)
    {
        var violations = new List<FieldViolation>();
        var id = FtmChipQueries.ParseChipId(violations, chipId);
        if (comment.Trim().Length > MaxCommentLength)
        {
            violations.Add(new("comment", $"comment must be at most {MaxCommentLength} characters."));
        }
        PmsErrors.ThrowIfAny(violations);
        return id;
    }

    private static void CheckName(List<FieldViolation> violations, string field, string value)
    {
        if (value.Length == 0)
        {
            violations.Add(new(field, $"{field} is required and must not be blank."));
        }
        else if (value.Length > MaxMakeOrModelLength)
        {
            violations.Add(new(field, $"{field} must be at most {MaxMakeOrModelLength} characters after trimming."));
        }
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
