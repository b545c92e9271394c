namespace Pms.Grpc.Configuration;

/// <summary>
/// Limits on what a caller may repeat (docs/security.md, "Rate limits"). Per client address unless stated; the
/// address is the TCP peer, or X-Forwarded-For when the peer is a trusted proxy (loopback, or <see cref="TrustedProxies"/>).
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Login calls per client address.</summary>
    public RateLimitRule SignIn { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };
    /// <summary>Password checks per username, from every client and replica together (counted in the database).
    /// Keep it above what one address may send in a window, so that one client alone cannot shut the owner out.</summary>
    public RateLimitRule PasswordChecksPerAccount { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) };
    /// <summary>RegisterPartner calls per client address.</summary>
    public RateLimitRule Registration { get; set; } = new() { PermitLimit = 5, Window = TimeSpan.FromMinutes(1) };
    /// <summary>RequestPasswordReset and ResetPassword calls per client address.</summary>
    public RateLimitRule PasswordReset { get; set; } = new() { PermitLimit = 5, Window = TimeSpan.FromMinutes(1) };
    /// <summary>RefreshSession and Logout calls per client address.</summary>
    public RateLimitRule Session { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };
    /// <summary>Certificate uploads (CA, partner, chip) per signed-in user.</summary>
    public RateLimitRule CertificateUpload { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) };
    /// <summary>Password-reset mails per account per hour, counted in the database so replicas agree.</summary>
    public int ResetMailsPerAccountPerHour { get; set; } = 3;
    /// <summary>Mails per account per hour telling its owner that someone registered with its email, counted in the database.</summary>
    public int TakenEmailNoticesPerAccountPerHour { get; set; } = 3;
    /// <summary>Addresses of reverse proxies whose X-Forwarded-For is believed, besides loopback (where pms-web runs).</summary>
    public List<string> TrustedProxies { get; set; } = [];
}
