namespace Pms.Grpc.Identity;

/// <summary>Claim names in PMS access tokens.</summary>
public static class PmsClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Role = "role";
    public const string PartnerId = "partner_id";
    public const string SessionId = "sid";
}
