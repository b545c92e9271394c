using Pms.Grpc.Certificates;

namespace Pms.Grpc.FtmChips;

/// <summary>A chip's certificate pair.</summary>
public sealed record FtmChipCertificateView(Guid ChipId, CertificatePairView Pair);
