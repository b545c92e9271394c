using System.ComponentModel.DataAnnotations;

namespace Pms.Grpc.Configuration;

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
