namespace Pms.Grpc.Configuration;

public sealed class JwtOptions
{
    public string Issuer { get; set; } = "pms.mosip.io";
    public string Audience { get; set; } = "pms";
    /// <summary>HMAC-SHA256 key, at least 32 characters. Never committed.</summary>
    public string? SigningKey { get; set; }
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>Sliding: each refresh issues a refresh token valid this long, but never past <see cref="SessionLifetime"/>.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(1);
    /// <summary>Absolute: a session ends this long after sign-in however often it is refreshed.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);
    /// <summary>
    /// How long after a rotation the replaced refresh token still answers with the same successor instead of counting
    /// as reuse: two portal tabs share one cookie and may renew at the same moment (docs/security.md).
    /// </summary>
    public TimeSpan RefreshReuseGrace { get; set; } = TimeSpan.FromSeconds(30);
}
