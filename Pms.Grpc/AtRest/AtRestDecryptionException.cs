using System.Security.Cryptography;

namespace Pms.Grpc.AtRest;

/// <summary>
/// A stored value could not be opened: written by a newer PMS, sealed under another master key, altered, or copied
/// from another row or column. A <see cref="CryptographicException"/>, as the platform's own decryption failures are.
/// </summary>
public sealed class AtRestDecryptionException(string message, Exception? innerException = null)
    : CryptographicException(message, innerException);
