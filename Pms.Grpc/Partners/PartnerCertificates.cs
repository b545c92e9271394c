using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Auditing;
using Pms.Grpc.Certificates;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;
using Pms.Grpc.TrustStore;

namespace Pms.Grpc.Partners;

/// <summary>
/// The partner certificate: a partner uploads its CA-signed certificate and gets a MOSIP-signed copy; a partner
/// reads its own pair, the admin anyone's.
/// </summary>
public sealed class PartnerCertificates(
    PmsDbContext db,
    PartnerAccess access,
    EndEntityCertificateRules rules,
    ITrustAnchors trustAnchors,
    IMosipSigner signer,
    IAuditLog audit,
    TimeProvider time)
{
    /// <summary>
    /// Checks the uploaded certificate against MOSIP's rules and the partner's domain trust store, issues the
    /// MOSIP-signed copy and makes the pair current; an IN_PROGRESS partner becomes ACTIVE. Earlier pairs stay as
    /// history. The very same certificate again is accepted and gets a fresh MOSIP-signed copy.
    /// </summary>
    public async Task<PartnerCertificateView> UploadAsync(CurrentUser caller, ReadOnlyMemory<byte> certificateData, CancellationToken cancellationToken)
    {
        var partner = await access.RequireActivePartnerWithConsentAsync(caller, cancellationToken);
        var input = CertificateInput.ReadEndEntity(certificateData, requireVersion3: true).OrRefuse();
        var store = await trustAnchors.GetAsync(PartnerKinds.DomainOf(partner.PartnerType), cancellationToken);
        var decision = rules.Check(input, partner.OrganizationName, store).OrRefuse();

        var certificate = decision.Certificate;
        var mosipSigned = signer.Authority.IssueMosipSignedCertificate(certificate);
        var now = time.GetUtcNowForDatabase();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var previousThumbprint = await db.PartnerCertificates
            .Where(c => c.PartnerId == partner.Id && c.IsCurrent)
            .Select(c => c.ThumbprintSha256)
            .FirstOrDefaultAsync(cancellationToken);
        await db.PartnerCertificates
            .Where(c => c.PartnerId == partner.Id && c.IsCurrent)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.IsCurrent, false), cancellationToken);
        var row = new PartnerCertificate
        {
            Id = Guid.CreateVersion7(),
            PartnerId = partner.Id,
            CaSignedCertificatePem = certificate.ToPem(),
            MosipSignedCertificatePem = mosipSigned.ToPem(),
            Subject = certificate.Subject,
            Issuer = certificate.Issuer,
            ThumbprintSha256 = certificate.ThumbprintSha256,
            CaSignedNotBefore = certificate.NotBefore,
            CaSignedNotAfter = certificate.NotAfter,
            MosipSignedNotBefore = mosipSigned.NotBefore,
            MosipSignedNotAfter = mosipSigned.NotAfter,
            UploadedAt = now,
            UploadedBy = caller.UserId,
            IsCurrent = true,
        };
        db.PartnerCertificates.Add(row);

        var from = partner.Status;
        if (partner.Status == PartnerStatus.InProgress)
        {
            partner.Status = PartnerStatus.Active;
        }
        // Touching the partner row also makes two concurrent uploads collide on its version: one of them is ABORTED.
        partner.UpdatedAt = now;
        audit.Add(new AuditEntry("PARTNER_CERTIFICATE_UPLOADED", "partner", partner.Id.ToString(), caller.UserId, caller.Username,
            FromStatus: PartnerKinds.ApiName(from),
            ToStatus: PartnerKinds.ApiName(partner.Status),
            DetailJson: JsonSerializer.Serialize(new
            {
                certificate_id = row.Id,
                subject = row.Subject,
                issuer = row.Issuer,
                thumbprint_sha256 = row.ThumbprintSha256,
                ca_signed_not_after = row.CaSignedNotAfter,
                mosip_signed_not_after = row.MosipSignedNotAfter,
                renewal_of_same_certificate = previousThumbprint == row.ThumbprintSha256,
            })));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return View(row, now);
    }

    public async Task<PartnerCertificateView> GetAsync(CurrentUser caller, string partnerId, CancellationToken cancellationToken)
    {
        Guid id;
        if (caller.IsAdmin)
        {
            id = PartnerDirectory.ParseId(partnerId);
            if (!await db.Partners.AnyAsync(p => p.Id == id, cancellationToken))
            {
                throw PartnerDirectory.NotFound();
            }
        }
        else
        {
            var partner = await access.RequireActivePartnerWithConsentAsync(caller, cancellationToken);
            // Another partner's id answers exactly as an unknown one.
            if (!string.IsNullOrWhiteSpace(partnerId) && !(Guid.TryParse(partnerId.Trim(), out var asked) && asked == partner.Id))
            {
                throw PartnerDirectory.NotFound();
            }
            id = partner.Id;
        }

        var current = await db.PartnerCertificates.AsNoTracking()
            .FirstOrDefaultAsync(c => c.PartnerId == id && c.IsCurrent, cancellationToken);
        if (current is null)
        {
            throw PmsErrors.NotFound("PARTNER_CERTIFICATE_NOT_FOUND", "The partner has not uploaded a partner certificate yet.", "KER-PCM-012");
        }
        return View(current, time.GetUtcNow());
    }

    public static PartnerCertificateView View(PartnerCertificate c, DateTimeOffset now) => new(c.Id, c.PartnerId,
        new CertificatePairView(c.Subject, c.Issuer, c.CaSignedCertificatePem, c.MosipSignedCertificatePem, c.UploadedAt,
            c.CaSignedNotAfter, c.MosipSignedNotBefore, c.MosipSignedNotAfter, JudgedAt: now));
}
