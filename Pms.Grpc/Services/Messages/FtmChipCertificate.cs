using Pms.Grpc.Services.Messages;

namespace Mosip.Pms.V1;

/// <summary>The generated message, declared <see cref="ICertificatePairMessage"/> so that one mapping serves it and its twin.</summary>
public sealed partial class FtmChipCertificate : ICertificatePairMessage;
