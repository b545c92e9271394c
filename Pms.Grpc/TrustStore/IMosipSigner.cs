using Pms.Grpc.Certificates;

namespace Pms.Grpc.TrustStore;

/// <summary>
/// PMS's own signing CA, which issues the MOSIP-signed partner and FTM chip certificates. Generated on first
/// start (one replica wins the race), stored with its private key encrypted by a key derived from
/// <c>Pms:KeyEncryption:MasterKey</c>, and loaded into memory at start-up.
/// </summary>
public interface IMosipSigner
{
    SigningAuthority Authority { get; }
}
