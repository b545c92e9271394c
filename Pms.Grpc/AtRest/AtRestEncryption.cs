using System.Security.Cryptography;
using System.Text;
using Pms.Grpc.Infrastructure;

namespace Pms.Grpc.AtRest;

/// <summary>
/// The one code path for everything PMS encrypts at rest: writes <see cref="AtRestEnvelope"/> (version 2) under the
/// column's purpose key, and reads version 2 as well as the version 1 formats older PMS versions wrote. Every key is
/// derived by HKDF-SHA256 from <c>Pms:KeyEncryption:MasterKey</c>, one per purpose.
/// </summary>
public sealed class AtRestEncryption
{
    private readonly Func<byte[]> _masterKey;
    private readonly Lazy<AtRestKey> _personalData;
    private readonly Lazy<AtRestKey> _signingCaPrivateKey;

    public AtRestEncryption(PmsSecrets secrets) : this(() => secrets.MasterKey)
    {
    }

    /// <param name="masterKey">Read on first use: PMS loads its master key at start-up, after the container is built.</param>
    public AtRestEncryption(Func<byte[]> masterKey)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        _masterKey = masterKey;
        _personalData = new(() => DeriveKey("at-rest:personal-data"));
        _signingCaPrivateKey = new(() => DeriveKey("at-rest:signing-ca-private-key"));
    }

    /// <summary>What every value sealed now starts with (version and key id); a value that does not is rewritten at start-up.</summary>
    public byte[] CurrentPrefix => AtRestEnvelope.Prefix(_personalData.Value);

    public byte[] Protect(ReadOnlySpan<byte> plaintext, EncryptedColumn column, Guid rowId)
    {
        ArgumentNullException.ThrowIfNull(column);
        return AtRestEnvelope.Seal(Key(column.Purpose), plaintext, column.Context(rowId));
    }

    /// <exception cref="AtRestDecryptionException">The value cannot be opened; the message says why and what to do.</exception>
    public byte[] Unprotect(ReadOnlySpan<byte> stored, EncryptedColumn column, Guid rowId)
    {
        ArgumentNullException.ThrowIfNull(column);
        var context = column.Context(rowId);
        if (stored.IsEmpty || stored[0] != LegacyAtRestFormats.Version)
        {
            return AtRestEnvelope.Open(Key(column.Purpose), stored, context);
        }
        // Version 1 keys are derived only to read old values, and forgotten right after.
        var legacyKey = Derive(_masterKey(), column.Purpose == AtRestPurpose.SigningCaPrivateKey ? "signing-ca-private-key" : "partner-pii-encryption",
            AtRestKey.Size);
        try
        {
            return column.Purpose == AtRestPurpose.SigningCaPrivateKey
                ? LegacyAtRestFormats.OpenPrivateKey(legacyKey, stored, context)
                : LegacyAtRestFormats.OpenPersonalData(legacyKey, stored, rowId, column.LegacyField
                    ?? throw new InvalidOperationException($"{column.Table}.{column.Column} has no version 1 field name."), context);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(legacyKey);
        }
    }

    /// <summary>Whether <paramref name="stored"/> is already in the current format under the current master key.</summary>
    public bool IsCurrent(ReadOnlySpan<byte> stored) => AtRestEnvelope.IsSealedWith(stored, _personalData.Value);

    private AtRestKey Key(AtRestPurpose purpose) => purpose switch
    {
        AtRestPurpose.PersonalData => _personalData.Value,
        AtRestPurpose.SigningCaPrivateKey => _signingCaPrivateKey.Value,
        _ => throw new InvalidOperationException($"Unknown purpose {purpose}."),
    };

    private AtRestKey DeriveKey(string purpose)
    {
        var master = _masterKey();
        var key = Derive(master, purpose, AtRestKey.Size);
        try
        {
            // The id names the master key, not the purpose: one look at a value says which master key it needs.
            return new AtRestKey(key, Derive(master, "at-rest:key-id", AtRestKey.IdSize));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    // The same derivation as PmsSecrets.DeriveKey, so version 1 keys come out as they always did.
    private static byte[] Derive(byte[] master, string purpose, int length) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, master, length, salt: [], info: Encoding.UTF8.GetBytes("pms:" + purpose));
}
