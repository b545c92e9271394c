namespace Pms.Testing;

/// <summary>
/// Settings that lift Pms.Grpc's rate limits (<c>Pms:RateLimits</c>) for tests that are not about them: such tests make
/// many calls quickly from one address (loopback), which the production limits rightly refuse. Tests of the limits
/// themselves keep the defaults.
/// </summary>
public static class LiftedRateLimits
{
    private static readonly string[] Rules =
        ["SignIn", "PasswordChecksPerAccount", "Registration", "PasswordReset", "Session", "CertificateUpload"];

    /// <summary>Configuration keys (<c>Pms:RateLimits:...</c>) and their lifted values.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Settings =>
        Rules.Select(rule => KeyValuePair.Create($"Pms:RateLimits:{rule}:PermitLimit", "1000000"))
            .Append(KeyValuePair.Create("Pms:RateLimits:ResetMailsPerAccountPerHour", "1000"));

    /// <summary>The same settings as environment variables, for a Pms.Grpc started as a process or by the AppHost.</summary>
    public static IEnumerable<KeyValuePair<string, string>> EnvironmentVariables =>
        Settings.Select(s => KeyValuePair.Create(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value));
}
