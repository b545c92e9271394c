using System.Security.Cryptography;

namespace Pms.Grpc.Certificates;

/// <summary>A signature algorithm the platform verifies: RSA PKCS#1 v1.5 or ECDSA, with this hash.</summary>
internal readonly record struct PlatformSignature(bool IsRsa, HashAlgorithmName Hash);
