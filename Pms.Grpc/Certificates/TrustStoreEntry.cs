namespace Pms.Grpc.Certificates;

/// <summary>One stored CA certificate of a domain, as the trust store knows it.</summary>
public sealed record TrustStoreEntry(Guid Id, ParsedCertificate Certificate, CaCertificateKind Kind);
