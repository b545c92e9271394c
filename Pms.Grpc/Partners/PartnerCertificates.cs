using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;

namespace Pms.Grpc.Partners;

/// <summary>A partner's certificate pair as the API shows it, with expiry judged at the time of the answer.</summary>
public sealed record PartnerCertificateView(
    Guid Id,
    Guid PartnerId,
    string Subject,
    string Issuer,
    string CaSignedCertificatePem,
    string MosipSignedCertificatePem,
    DateTimeOffset UploadedAt,
    DateTimeOffset CaSignedNotAfter,
    DateTimeOffset MosipSignedNotBefore,
    DateTimeOffset MosipSignedNotAfter,
    bool CaSignedExpired,
    bool MosipSignedExpired);

/// <summary>Reads partner certificates: a partner its own, the admin anyone's.</summary>
public sealed class PartnerCertificates(PmsDbContext db, PartnerAccess access, TimeProvider time)
{
    public async Task<PartnerCertificateView> GetAsync(CurrentUser caller, string partnerId, CancellationToken cancellationToken)
    {
        Guid id;
        if (caller.IsAdmin)
        {
            id = PartnerDirectory.ParseId(partnerId);
            if (!await db.Partners.AnyAsync(p => p.Id == id, cancellationToken))
            {
                PartnerDirectory.NotFound();
            }
        }
        else
        {
            var partner = await access.RequireActivePartnerWithConsentAsync(caller, cancellationToken);
            // Another partner's id answers exactly as an unknown one.
            if (!string.IsNullOrWhiteSpace(partnerId) && !(Guid.TryParse(partnerId.Trim(), out var asked) && asked == partner.Id))
            {
                PartnerDirectory.NotFound();
            }
            id = partner.Id;
        }

        var current = await db.PartnerCertificates.AsNoTracking()
            .FirstOrDefaultAsync(c => c.PartnerId == id && c.IsCurrent, cancellationToken);
        if (current is null)
        {
            PmsErrors.NotFound("PARTNER_CERTIFICATE_NOT_FOUND", "The partner has not uploaded a partner certificate yet.", "KER-PCM-012");
        }
        return View(current, time.GetUtcNow());
    }

    public static PartnerCertificateView View(PartnerCertificate c, DateTimeOffset now) => new(
        c.Id, c.PartnerId, c.Subject, c.Issuer, c.CaSignedCertificatePem, c.MosipSignedCertificatePem, c.UploadedAt,
        c.CaSignedNotAfter, c.MosipSignedNotBefore, c.MosipSignedNotAfter,
        CaSignedExpired: c.CaSignedNotAfter <= now,
        MosipSignedExpired: c.MosipSignedNotAfter <= now);
}
