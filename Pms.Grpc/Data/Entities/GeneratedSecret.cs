namespace Pms.Grpc.Data.Entities;

/// <summary>Secrets PMS generates for itself in Development only (JWT signing key, key-encryption key),
/// kept in the database so restarts and replicas agree. Production takes them from configuration.</summary>
public class GeneratedSecret
{
    public required string Name { get; set; }
    public required string Value { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
