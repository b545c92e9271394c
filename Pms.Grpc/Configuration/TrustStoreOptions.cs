namespace Pms.Grpc.Configuration;

public sealed class TrustStoreOptions
{
    /// <summary>LISTEN for trust store changes made by other replicas (PostgreSQL NOTIFY). Off only in tests of the safety net.</summary>
    public bool ListenForChanges { get; set; } = true;

    /// <summary>How often cached trust stores are compared with the database, in case a notification was missed. Zero turns it off.</summary>
    public TimeSpan ConsistencyCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}
