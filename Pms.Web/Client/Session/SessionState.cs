using System.Text.Json.Serialization;

namespace Pms.Web.Client.Session;

/// <summary>
/// What the portal knows about the signed-in user, as PortalSessionService returned it. The refresh token is not
/// here: Pms.Web keeps it in an HttpOnly cookie that no script can read.
/// </summary>
public sealed record SessionState(
    string Username,
    string UserId,
    string PartnerId,
    IReadOnlyList<string> Roles,
    string AccessToken,
    DateTimeOffset ExpiresAt,
    DateTimeOffset RefreshTokenExpiresAt,
    bool ConsentRequired)
{
    public const string PartnerAdminRole = "PARTNER_ADMIN";
    public const string FtmProviderRole = "FTM_PROVIDER";
    public const string DeviceProviderRole = "DEVICE_PROVIDER";
    public const string AuthPartnerRole = "AUTH_PARTNER";

    /// <summary>The roles of registered partners (one per partner type).</summary>
    public static readonly string[] PartnerRoles = [FtmProviderRole, DeviceProviderRole, AuthPartnerRole];

    public bool IsInRole(string role) => Roles.Contains(role, StringComparer.Ordinal);

    [JsonIgnore]
    public bool IsPartnerAdmin => IsInRole(PartnerAdminRole);

    [JsonIgnore]
    public bool IsPartner => PartnerRoles.Any(IsInRole);

    [JsonIgnore]
    public bool IsFtmProvider => IsInRole(FtmProviderRole);
}

// Source-generated so the trimmed WebAssembly build needs no reflection to (de)serialize the session.
[JsonSerializable(typeof(SessionState))]
internal sealed partial class SessionJsonContext : JsonSerializerContext;
