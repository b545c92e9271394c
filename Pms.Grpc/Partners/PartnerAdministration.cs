using System.Text.Json;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Auditing;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;

namespace Pms.Grpc.Partners;

/// <summary>The partner admin's view of partners: look them up, deactivate and activate them, fix their organisation name.</summary>
public sealed class PartnerAdministration(
    PmsDbContext db,
    PartnerDirectory directory,
    SessionService sessions,
    IAuditLog audit,
    TimeProvider time,
    PartnerAccessCache accessCache)
{
    public Task<PartnerDetails> GetAsync(string partnerId, CancellationToken cancellationToken) =>
        directory.GetDetailsAsync(PartnerDirectory.ParseId(partnerId), cancellationToken);

    /// <summary>IN_PROGRESS or ACTIVE → DEACTIVATED. The partner's sessions end at once; its access tokens stop working on their next call.</summary>
    public async Task<PartnerDetails> DeactivateAsync(CurrentUser admin, string partnerId, string comment, CancellationToken cancellationToken)
    {
        var id = ParseIdAndComment(partnerId, comment);
        var partner = await directory.FindAsync(id, cancellationToken);
        if (partner.Status == PartnerStatus.Deactivated)
        {
            throw InvalidTransition(partner.Status, "The partner is already deactivated.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        ChangeStatus(admin, partner, PartnerStatus.Deactivated, "PARTNER_DEACTIVATED", comment);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var userId in await db.Users.Where(u => u.PartnerId == id).Select(u => u.Id).ToListAsync(cancellationToken))
        {
            await sessions.RevokeAllSessionsAsync(userId, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        await accessCache.PublishChangeAsync(db, id, cancellationToken);
        return await directory.DescribeAsync(partner, cancellationToken);
    }

    /// <summary>DEACTIVATED → ACTIVE, for a partner that has an accepted certificate.</summary>
    public async Task<PartnerDetails> ActivateAsync(CurrentUser admin, string partnerId, string comment, CancellationToken cancellationToken)
    {
        var id = ParseIdAndComment(partnerId, comment);
        var partner = await directory.FindAsync(id, cancellationToken);
        if (partner.Status == PartnerStatus.Active)
        {
            throw InvalidTransition(partner.Status, "The partner is already active.");
        }
        if (!await db.PartnerCertificates.AnyAsync(c => c.PartnerId == id && c.IsCurrent, cancellationToken))
        {
            throw PmsErrors.FailedPrecondition("PARTNER_CERTIFICATE_REQUIRED",
                "The partner has no accepted partner certificate; it becomes active by uploading one.");
        }

        ChangeStatus(admin, partner, PartnerStatus.Active, "PARTNER_ACTIVATED", comment);
        await db.SaveChangesAsync(cancellationToken);
        await accessCache.PublishChangeAsync(db, id, cancellationToken);
        return await directory.DescribeAsync(partner, cancellationToken);
    }

    /// <summary>
    /// Renames the partner's organisation (e.g. before a certificate renewal whose O= changed). Certificates already
    /// accepted stay; the next upload is checked against the new name. A rename to the same name changes nothing.
    /// </summary>
    public async Task<PartnerDetails> UpdateOrganizationNameAsync(CurrentUser admin, string partnerId, string organizationName,
        string comment, CancellationToken cancellationToken)
    {
        organizationName = organizationName.Trim();
        var violations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(partnerId))
        {
            violations.Add(new("partner_id", "partner_id is required."));
        }
        PartnerRules.CheckText(violations, "organization_name", organizationName, PartnerRules.MaxOrganizationLength);
        PartnerRules.CheckComment(violations, comment);
        PmsErrors.ThrowIfAny(violations);

        var partner = await directory.FindAsync(PartnerDirectory.ParseId(partnerId), cancellationToken);
        var oldName = partner.OrganizationName;
        if (oldName != organizationName)
        {
            partner.OrganizationName = organizationName;
            partner.UpdatedAt = time.GetUtcNowForDatabase();
            audit.Add(new AuditEntry("PARTNER_ORGANIZATION_RENAMED", "partner", partner.Id.ToString(), admin.UserId, admin.Username,
                Comment: NullIfEmpty(comment),
                DetailJson: JsonSerializer.Serialize(new { old_organization_name = oldName, new_organization_name = organizationName })));
            await db.SaveChangesAsync(cancellationToken);
            await accessCache.PublishChangeAsync(db, partner.Id, cancellationToken);
        }
        return await directory.DescribeAsync(partner, cancellationToken);
    }

    private void ChangeStatus(CurrentUser admin, Partner partner, PartnerStatus to, string action, string comment)
    {
        var from = partner.Status;
        partner.Status = to;
        partner.UpdatedAt = time.GetUtcNowForDatabase();
        audit.Add(new AuditEntry(action, "partner", partner.Id.ToString(), admin.UserId, admin.Username,
            FromStatus: PartnerKinds.ApiName(from), ToStatus: PartnerKinds.ApiName(to), Comment: NullIfEmpty(comment)));
    }

    private static Guid ParseIdAndComment(string partnerId, string comment)
    {
        var violations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(partnerId))
        {
            violations.Add(new("partner_id", "partner_id is required."));
        }
        PartnerRules.CheckComment(violations, comment);
        PmsErrors.ThrowIfAny(violations);
        return PartnerDirectory.ParseId(partnerId);
    }

    private static PmsException InvalidTransition(PartnerStatus current, string message) =>
        PmsErrors.InvalidStateTransition(PartnerKinds.ApiName(current), message);

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
