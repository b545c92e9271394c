namespace Pms.Grpc.Certificates;

/// <summary>ROOT (a self-signed trust anchor) or INTERMEDIATE.</summary>
public enum CaCertificateKind
{
    Root,
    Intermediate,
}
