using Pms.Grpc.Data.Entities;

namespace Pms.Grpc.Auditing;

/// <summary>One line for the audit trail, before it is stored.</summary>
public sealed record AuditEntry(
    string Action,
    string ResourceType,
    string ResourceId,
    Guid? ActorId,
    string ActorUsername,
    string? FromStatus = null,
    string? ToStatus = null,
    string? Comment = null,
    string Outcome = AuditEntry.Success,
    string? DetailJson = null)
{
    public const string Success = "SUCCESS";
    public const string Failure = "FAILURE";

    public static AuditEntry ForUser(UserAccount user, string action, string outcome = Success) =>
        new(action, "user", user.Id.ToString(), user.Id, user.Username, Outcome: outcome);
}
