namespace Pms.Grpc.Certificates;

/// <summary>One certificate of a trust path; <see cref="StoredId"/> is null for an intermediate sent along with the certificate.</summary>
public readonly record struct TrustPathElement(ParsedCertificate Certificate, Guid? StoredId);
