namespace Pms.Grpc.Configuration;

public sealed class KeyEncryptionOptions
{
    /// <summary>Master secret from which the keys that encrypt private keys and personal data are derived.</summary>
    public string? MasterKey { get; set; }

    /// <summary>
    /// Master keys used before <see cref="MasterKey"/>: values stored under them are still read, and rewritten under
    /// the master key at start-up (a key rotation, docs/operations.md). Remove one once a start has rewritten everything.
    /// </summary>
    public string[] RetiredMasterKeys { get; set; } = [];
}
