using Pms.Grpc.Certificates;

namespace Pms.Grpc.TrustStore;

/// <summary>Holds the signing CA loaded at start-up for the life of the process.</summary>
public sealed class MosipSigner : IMosipSigner
{
    private SigningAuthority? _authority;

    public SigningAuthority Authority
    {
        get => _authority ?? throw new InvalidOperationException("The signing CA is loaded at start-up; it was used before that.");
        internal set => _authority = value;
    }
}
