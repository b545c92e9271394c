namespace Pms.Grpc.Data.Entities;

/// <summary>One line of the audit trail: who did what to which resource, and how it went.</summary>
public class AuditEvent
{
    public Guid Id { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public Guid? ActorId { get; set; }
    public required string ActorUsername { get; set; }
    public required string Action { get; set; }
    public required string ResourceType { get; set; }
    public required string ResourceId { get; set; }
    public string? FromStatus { get; set; }
    public string? ToStatus { get; set; }
    public string? Comment { get; set; }
    public required string Outcome { get; set; }
    public string? Detail { get; set; }
}
