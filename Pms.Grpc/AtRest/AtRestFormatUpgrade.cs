using System.Data;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Pms.Grpc.Data;
using Pms.Grpc.Partners;

namespace Pms.Grpc.AtRest;

/// <summary>
/// Rewrites, at start-up, every encrypted value that is not yet in the current format (the version 1 formats of older
/// PMS versions) into <see cref="AtRestEnvelope"/>. Each batch is one UPDATE that replaces a value only if it still
/// holds the bytes that were read: a process that dies leaves every row either old (still readable) or new; replicas
/// starting together, or a request writing the row meanwhile, make the update skip that row instead of overwriting it.
/// Once nothing old is left, a start costs one scan per column that finds nothing. A value under a retired master key
/// is rewritten the same way; with a partner's email goes its lookup hash, whose key the master key changes too.
/// </summary>
public sealed class AtRestFormatUpgrade(PmsDbContext db, AtRestEncryption encryption, PersonalDataProtector personalData,
    ILogger<AtRestFormatUpgrade> logger)
{
    internal const int BatchSize = 500;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken);
        }
        try
        {
            foreach (var column in EncryptedColumn.All)
            {
                var rewritten = await RewriteColumnAsync(connection, column, cancellationToken);
                if (rewritten > 0)
                {
                    logger.LogInformation("Rewrote {Count} values of {Table}.{Column} into at-rest format {Version}",
                        rewritten, column.Table, column.Column, AtRestEnvelope.Version);
                }
            }
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    private async Task<int> RewriteColumnAsync(NpgsqlConnection connection, EncryptedColumn column, CancellationToken cancellationToken)
    {
        // Table and column names come from EncryptedColumn.All, never from input.
        var select = $"""
            SELECT id, "{column.Column}" FROM "{column.Table}"
            WHERE "{column.Column}" IS NOT NULL AND substring("{column.Column}" from 1 for @prefix_length) <> @prefix AND id > @after
            ORDER BY id LIMIT {BatchSize}
            """;
        var withLookupHash = column == EncryptedColumn.PartnerEmail;
        var update = $"""
            UPDATE "{column.Table}" AS t SET "{column.Column}" = v.new_value{(withLookupHash ? ", email_lookup_hash = v.lookup_hash" : "")}
            FROM unnest(@ids, @old_values, @new_values, @lookup_hashes) AS v(id, old_value, new_value, lookup_hash)
            WHERE t.id = v.id AND t."{column.Column}" = v.old_value
            """;
        var prefix = encryption.CurrentPrefix;
        var after = Guid.Empty;
        var total = 0;
        while (true)
        {
            var ids = new List<Guid>();
            var oldValues = new List<byte[]>();
            await using (var command = new NpgsqlCommand(select, connection))
            {
                command.Parameters.AddWithValue("prefix_length", prefix.Length);
                command.Parameters.AddWithValue("prefix", prefix);
                command.Parameters.AddWithValue("after", after);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(reader.GetGuid(0));
                    oldValues.Add((byte[])reader.GetValue(1));
                }
            }
            if (ids.Count == 0)
            {
                return total;
            }

            var newValues = new byte[ids.Count][];
            var lookupHashes = new byte[ids.Count][];
            for (var i = 0; i < ids.Count; i++)
            {
                (newValues[i], lookupHashes[i]) = Reseal(oldValues[i], column, ids[i], withLookupHash);
            }
            await using (var command = new NpgsqlCommand(update, connection))
            {
                command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids.ToArray() });
                command.Parameters.Add(new NpgsqlParameter("old_values", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = oldValues.ToArray() });
                command.Parameters.Add(new NpgsqlParameter("new_values", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = newValues });
                command.Parameters.Add(new NpgsqlParameter("lookup_hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = lookupHashes });
                total += await command.ExecuteNonQueryAsync(cancellationToken);
            }
            after = ids[^1];
        }
    }

    private (byte[] Value, byte[] LookupHash) Reseal(byte[] stored, EncryptedColumn column, Guid rowId, bool withLookupHash)
    {
        byte[] plaintext;
        try
        {
            plaintext = encryption.Unprotect(stored, column, rowId);
        }
        catch (AtRestDecryptionException ex)
        {
            // Serving on would write new values under a key that cannot read the old ones: stop and say what to fix.
            throw new InvalidOperationException(
                $"PMS cannot read an encrypted value it stores, so it does not start: {ex.Message}", ex);
        }
        try
        {
            var lookupHash = withLookupHash ? personalData.EmailLookupHash(Encoding.UTF8.GetString(plaintext)) : [];
            return (encryption.Protect(plaintext, column, rowId), lookupHash);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
