using Mosip.Pms.V1;

namespace Pms.Grpc.Grpc;

/// <summary>gRPC adapter for <c>mosip.pms.v1.TrustStoreService</c>.</summary>
public sealed class TrustStoreGrpcService : TrustStoreService.TrustStoreServiceBase;
