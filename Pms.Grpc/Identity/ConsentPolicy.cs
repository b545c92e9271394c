using Pms.Grpc.Data.Entities;

namespace Pms.Grpc.Identity;

/// <summary>The terms and conditions in force. Partners must accept the current version before using PMS.</summary>
public sealed class ConsentPolicy
{
    /// <summary>Bump when the text changes: every partner is asked to accept again.</summary>
    public const string CurrentVersion = "1.0";

    public bool HasCurrentConsent(Partner partner) => partner.ConsentVersion == CurrentVersion && partner.ConsentGivenAt is not null;
}
