namespace Pms.Grpc.Configuration;

public sealed class KeyEncryptionOptions
{
    /// <summary>Master secret from which the keys that encrypt private keys and personal data are derived.</summary>
    public string? MasterKey { get; set; }
}
