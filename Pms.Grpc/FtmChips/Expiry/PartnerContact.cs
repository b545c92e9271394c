namespace Pms.Grpc.FtmChips.Expiry;

/// <summary>How to reach a partner.</summary>
public sealed record PartnerContact(string Email, string Name, string OrganizationName);
