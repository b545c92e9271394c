namespace Pms.Grpc.Certificates;

/// <summary>Limits that keep path building bounded whatever a caller sends.</summary>
public static class TrustPathLimits
{
    /// <summary>At most this many issuers above the certificate (the root included).</summary>
    public const int MaxDepth = 8;

    /// <summary>Signature verifications one path search may spend on certificates not checked in advance.</summary>
    public const int MaxSignatureChecks = 64;

    /// <summary>Extra intermediates accepted alongside one certificate.</summary>
    public const int MaxExtraIntermediates = 16;
}
