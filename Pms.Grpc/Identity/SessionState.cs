namespace Pms.Grpc.Identity;

/// <summary>Why an access token's session no longer counts.</summary>
public enum SessionState
{
    Active,
    Revoked,
    Expired,
}
