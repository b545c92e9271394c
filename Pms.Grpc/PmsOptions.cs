using System.ComponentModel.DataAnnotations;

namespace Pms.Grpc;

/// <summary>Settings under <c>Pms:</c>. Secrets (admin password, JWT key, key-encryption key) come from
/// configuration or Aspire secret parameters; in Development missing ones get a generated default.</summary>
public sealed class PmsOptions
{
    public const string SectionName = "Pms";

    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();
    public JwtOptions Jwt { get; set; } = new();
    public KeyEncryptionOptions KeyEncryption { get; set; } = new();
    public PortalOptions Portal { get; set; } = new();
    public MailOptions Mail { get; set; } = new();
    public CertificateOptions Certificates { get; set; } = new();
    public TrustStoreOptions TrustStore { get; set; } = new();
    public RateLimitOptions RateLimits { get; set; } = new();
    public DiagnosticsOptions Diagnostics { get; set; } = new();
}

public sealed class BootstrapAdminOptions
{
    [Required] public string Username { get; set; } = "admin";
    /// <summary>Required outside Development; in Development a generated one is logged once.</summary>
    public string? Password { get; set; }
}

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

public sealed class RateLimitRule
{
    public int PermitLimit { get; set; }
    public TimeSpan Window { get; set; }
}

public sealed class KeyEncryptionOptions
{
    /// <summary>Master secret from which the keys that encrypt private keys and personal data are derived.</summary>
    public string? MasterKey { get; set; }
}

public sealed class PortalOptions
{
    /// <summary>Where the portal is served; password-reset links point here.</summary>
    public string BaseUrl { get; set; } = "http://localhost:5080";
}

public sealed class MailOptions
{
    public string From { get; set; } = "PMS <no-reply@pms.local>";

    /// <summary>Attempts before a mail is given up as undeliverable (then logged at Error and listed for admins).</summary>
    [Range(1, 100)] public int MaxAttempts { get; set; } = 12;

    /// <summary>The wait after the first failed attempt; it doubles with each further failure up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often an idle sender looks for mail written by other replicas (its own it sends at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed mail belongs to its sender; a sender that died releases it when this runs out.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);
}

public sealed class CertificateOptions
{
    /// <summary>Minimum remaining validity of an uploaded CA certificate (MOSIP KER-PCM-017: 12 months).</summary>
    public TimeSpan CaMinimumRemainingValidity { get; set; } = TimeSpan.FromDays(365);
    /// <summary>Minimum remaining validity of a partner or FTM chip certificate (365 − 30 days).</summary>
    public TimeSpan EndEntityMinimumRemainingValidity { get; set; } = TimeSpan.FromDays(335);
    public TimeSpan MosipSignedValidity { get; set; } = TimeSpan.FromDays(365);
}

public sealed class TrustStoreOptions
{
    /// <summary>LISTEN for trust store changes made by other replicas (PostgreSQL NOTIFY). Off only in tests of the safety net.</summary>
    public bool ListenForChanges { get; set; } = true;

    /// <summary>How often cached trust stores are compared with the database, in case a notification was missed. Zero turns it off.</summary>
    public TimeSpan ConsistencyCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class DiagnosticsOptions
{
    /// <summary>Name the answering instance in a <c>pms-served-by</c> response header (host/process id), to see how calls spread over replicas.</summary>
    public bool ServedByHeader { get; set; }
}
