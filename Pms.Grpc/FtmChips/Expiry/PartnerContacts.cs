using Microsoft.EntityFrameworkCore;
using Pms.Grpc.AtRest;
using Pms.Grpc.Data;
using Pms.Grpc.Partners;

namespace Pms.Grpc.FtmChips.Expiry;

/// <summary>Reads a partner's registered email and name, decrypting the email as the partner service stored it.</summary>
public sealed class PartnerContacts(PmsDbContext db, PersonalDataProtector protector) : IPartnerContacts
{
    public async Task<PartnerContact?> FindAsync(Guid partnerId, CancellationToken cancellationToken)
    {
        var partner = await db.Partners.AsNoTracking().FirstOrDefaultAsync(p => p.Id == partnerId, cancellationToken);
        return partner is null
            ? null
            : new PartnerContact(protector.Unprotect(partner.EmailEncrypted, partner.Id, EncryptedColumn.PartnerEmail),
                $"{partner.FirstName} {partner.LastName}", partner.OrganizationName);
    }
}
