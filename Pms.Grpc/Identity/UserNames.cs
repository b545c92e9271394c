namespace Pms.Grpc.Identity;

public static class UserNames
{
    /// <summary>Usernames compare case-insensitively: "Alice" and "alice" are one account.</summary>
    public static string Normalize(string username) => username.Trim().ToUpperInvariant();
}
