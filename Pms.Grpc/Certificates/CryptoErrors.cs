using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Security.Certificates;

namespace Pms.Grpc.Certificates;

/// <summary>Which exceptions from BouncyCastle's parsing and verifying mean "bad input" rather than a bug.</summary>
internal static class CryptoErrors
{
    public static bool IsRecoverable(Exception ex) =>
        // SecurityUtilityException: a public key whose algorithm identifier BouncyCastle does not know (found by fuzzing).
        ex is GeneralSecurityException or CryptoException or CertificateException or SecurityUtilityException
            or ArgumentException or InvalidCastException or InvalidOperationException
            or IOException or FormatException or OverflowException or IndexOutOfRangeException;
}
