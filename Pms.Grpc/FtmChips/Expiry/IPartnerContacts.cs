namespace Pms.Grpc.FtmChips.Expiry;

/// <summary>Finds a partner's contact details (kept encrypted by the partner service).</summary>
public interface IPartnerContacts
{
    /// <summary>The partner's contact, or null when there is no such partner.</summary>
    Task<PartnerContact?> FindAsync(Guid partnerId, CancellationToken cancellationToken);
}
