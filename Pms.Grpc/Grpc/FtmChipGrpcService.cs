using Mosip.Pms.V1;

namespace Pms.Grpc.Grpc;

/// <summary>gRPC adapter for <c>mosip.pms.v1.FtmChipService</c>.</summary>
public sealed class FtmChipGrpcService : FtmChipService.FtmChipServiceBase;
