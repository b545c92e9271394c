using Microsoft.EntityFrameworkCore;
using Pms.Grpc.AtRest;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;

namespace Pms.Grpc.Partners;

/// <summary>Reads partners and turns stored rows into <see cref="PartnerDetails"/>.</summary>
public sealed class PartnerDirectory(PmsDbContext db, PersonalDataProtector protector, ConsentPolicy consent)
{
    /// <summary>Parses an API partner id; anything that is not one of ours answers PARTNER_NOT_FOUND, like a missing partner.</summary>
    public static Guid ParseId(string partnerId)
    {
        if (string.IsNullOrWhiteSpace(partnerId))
        {
            throw PmsErrors.InvalidField("partner_id", "partner_id is required.");
        }
        if (!Guid.TryParse(partnerId.Trim(), out var id))
        {
            throw NotFound();
        }
        return id;
    }

    public static PmsException NotFound() => PmsErrors.NotFound("PARTNER_NOT_FOUND", "No such partner.");

    /// <summary>The tracked partner row, or PARTNER_NOT_FOUND.</summary>
    public async Task<Partner> FindAsync(Guid partnerId, CancellationToken cancellationToken)
    {
        var partner = await db.Partners.FirstOrDefaultAsync(p => p.Id == partnerId, cancellationToken);
        if (partner is null)
        {
            throw NotFound();
        }
        return partner;
    }

    public async Task<PartnerDetails> GetDetailsAsync(Guid partnerId, CancellationToken cancellationToken) =>
        await DescribeAsync(await FindAsync(partnerId, cancellationToken), cancellationToken);

    /// <summary>Completes a loaded partner with its username and certificate state.</summary>
    public async Task<PartnerDetails> DescribeAsync(Partner partner, CancellationToken cancellationToken)
    {
        var username = await db.Users.Where(u => u.PartnerId == partner.Id).Select(u => u.Username).FirstOrDefaultAsync(cancellationToken);
        var hasCertificate = await db.PartnerCertificates.AnyAsync(c => c.PartnerId == partner.Id && c.IsCurrent, cancellationToken);
        return Describe(partner, username ?? "", hasCertificate);
    }

    public PartnerDetails Describe(Partner partner, string username, bool certificateUploaded)
    {
        var consented = consent.HasCurrentConsent(partner);
        return new PartnerDetails(
            partner.Id,
            partner.PartnerType,
            PartnerKinds.DomainOf(partner.PartnerType),
            partner.FirstName,
            partner.LastName,
            partner.OrganizationName,
            protector.Unprotect(partner.AddressEncrypted, partner.Id, EncryptedColumn.PartnerAddress),
            protector.Unprotect(partner.PhoneNumberEncrypted, partner.Id, EncryptedColumn.PartnerPhoneNumber),
            protector.Unprotect(partner.EmailEncrypted, partner.Id, EncryptedColumn.PartnerEmail),
            username,
            partner.Status,
            consented,
            consented ? partner.ConsentGivenAt : null,
            certificateUploaded,
            partner.CreatedAt,
            partner.UpdatedAt);
    }
}
