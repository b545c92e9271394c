namespace Pms.Grpc.AtRest;

/// <summary>What an encrypted value is; each purpose has its own key, derived from the master key.</summary>
public enum AtRestPurpose
{
    /// <summary>Partners' email, phone number and address, and the mail outbox's content.</summary>
    PersonalData = 1,

    /// <summary>PMS's signing CA private key (PKCS#8).</summary>
    SigningCaPrivateKey = 2,
}
