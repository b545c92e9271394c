using Pms.Grpc.Certificates;

namespace Pms.Grpc.Partners;

/// <summary>A partner's current certificate pair as the API shows it.</summary>
public sealed record PartnerCertificateView(Guid Id, Guid PartnerId, CertificatePairView Pair);
