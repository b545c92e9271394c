using System.Security.Cryptography;
using System.Text;
using Pms.Grpc.Infrastructure;

namespace Pms.Grpc.AtRest;

/// <summary>
/// The one code path for everything PMS encrypts at rest: writes <see cref="AtRestEnvelope"/> (version 2) under the
/// column's purpose key, and reads version 2 as well as the version 1 formats older PMS versions wrote. Every key is
/// derived by HKDF-SHA256 from <c>Pms:KeyEncryption:MasterKey</c>, one per purpose; values under a master key listed
/// in <c>Pms:KeyEncryption:RetiredMasterKeys</c> are still read (and rewritten at start-up), never written.
/// </summary>
public sealed class AtRestEncryption
{
    private readonly Lazy<MasterKeyring> _current;
    private readonly Lazy<IReadOnlyList<MasterKeyring>> _retired;

    public AtRestEncryption(PmsSecrets secrets) : this(() => secrets.MasterKey, () => secrets.RetiredMasterKeys)
    {
    }

    /// <param name="masterKey">Read on first use: PMS loads its master key at start-up, after the container is built.</param>
    /// <param name="retiredMasterKeys">Master keys used before, whose values are still read; none when null.</param>
    public AtRestEncryption(Func<byte[]> masterKey, Func<IReadOnlyList<byte[]>>? retiredMasterKeys = null)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        _current = new(() => new MasterKeyring(masterKey()));
        _retired = new(() => [.. (retiredMasterKeys?.Invoke() ?? []).Select(k => new MasterKeyring(k))]);
    }

    /// <summary>What every value sealed now starts with (version and key id); a value that does not is rewritten at start-up.</summary>
    public byte[] CurrentPrefix => AtRestEnvelope.Prefix(_current.Value.PersonalData);

    public byte[] Protect(ReadOnlySpan<byte> plaintext, EncryptedColumn column, Guid rowId)
    {
        ArgumentNullException.ThrowIfNull(column);
        return AtRestEnvelope.Seal(_current.Value.Key(column.Purpose), plaintext, column.Context(rowId));
    }

    /// <exception cref="AtRestDecryptionException">The value cannot be opened; the message says why and what to do.</exception>
    public byte[] Unprotect(ReadOnlySpan<byte> stored, EncryptedColumn column, Guid rowId)
    {
        ArgumentNullException.ThrowIfNull(column);
        var context = column.Context(rowId);
        if (stored.IsEmpty || stored[0] != LegacyAtRestFormats.Version)
        {
            // The key id picks the master key; an unknown id is refused by Open, naming both ids.
            var keyring = _current.Value;
            if (stored.Length > AtRestKey.IdSize)
            {
                foreach (var retired in _retired.Value)
                {
                    if (retired.Has(stored.Slice(1, AtRestKey.IdSize)))
                    {
                        keyring = retired;
                    }
                }
            }
            return AtRestEnvelope.Open(keyring.Key(column.Purpose), stored, context);
        }

        // Version 1 names no key: the current master key first, then the retired ones.
        AtRestDecryptionException? first = null;
        foreach (var keyring in _retired.Value.Prepend(_current.Value))
        {
            try
            {
                return keyring.OpenLegacy(stored, column, rowId, context);
            }
            catch (AtRestDecryptionException ex)
            {
                first ??= ex;
            }
        }
        throw first!;
    }

    /// <summary>Whether <paramref name="stored"/> is already in the current format under the current master key.</summary>
    public bool IsCurrent(ReadOnlySpan<byte> stored) => AtRestEnvelope.IsSealedWith(stored, _current.Value.PersonalData);

    // The same derivation as PmsSecrets.DeriveKey, so version 1 keys come out as they always did.
    private static byte[] Derive(byte[] master, string purpose, int length) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, master, length, salt: [], info: Encoding.UTF8.GetBytes("pms:" + purpose));

    /// <summary>The keys of one master key.</summary>
    private sealed class MasterKeyring
    {
        private readonly byte[] _master;

        public MasterKeyring(byte[] master)
        {
            _master = master;
            // The id names the master key, not the purpose: one look at a value says which master key it needs.
            var id = Derive(master, "at-rest:key-id", AtRestKey.IdSize);
            PersonalData = NewKey("at-rest:personal-data", id);
            SigningCaPrivateKey = NewKey("at-rest:signing-ca-private-key", id);
        }

        public AtRestKey PersonalData { get; }

        public AtRestKey SigningCaPrivateKey { get; }

        public bool Has(ReadOnlySpan<byte> keyId) => keyId.SequenceEqual(PersonalData.Id);

        public AtRestKey Key(AtRestPurpose purpose) => purpose switch
        {
            AtRestPurpose.PersonalData => PersonalData,
            AtRestPurpose.SigningCaPrivateKey => SigningCaPrivateKey,
            _ => throw new InvalidOperationException($"Unknown purpose {purpose}."),
        };

        public byte[] OpenLegacy(ReadOnlySpan<byte> stored, EncryptedColumn column, Guid rowId, string context)
        {
            // Version 1 keys are derived only to read old values, and forgotten right after.
            var legacyKey = Derive(_master, column.Purpose == AtRestPurpose.SigningCaPrivateKey ? "signing-ca-private-key" : "partner-pii-encryption",
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

        private AtRestKey NewKey(string purpose, byte[] id)
        {
            var key = Derive(_master, purpose, AtRestKey.Size);
            try
            {
                return new AtRestKey(key, id);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
    }
}
