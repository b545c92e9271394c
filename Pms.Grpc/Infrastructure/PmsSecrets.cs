using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pms.Grpc.Configuration;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;

namespace Pms.Grpc.Infrastructure;

/// <summary>
/// The keys PMS runs with, resolved once at start-up: the JWT signing key and the master key from which
/// the keys that encrypt private keys and personal data are derived. They come from configuration; in
/// Development a missing one is generated once and kept in the database, so restarts and replicas agree.
/// </summary>
public sealed class PmsSecrets
{
    private byte[]? _jwtSigningKey;
    private byte[]? _masterKey;
    private IReadOnlyList<byte[]>? _retiredMasterKeys;

    public byte[] JwtSigningKey => _jwtSigningKey ?? throw NotLoaded();
    public byte[] MasterKey => _masterKey ?? throw NotLoaded();

    /// <summary>Master keys of before a rotation, whose stored values are still read (never written).</summary>
    public IReadOnlyList<byte[]> RetiredMasterKeys => _retiredMasterKeys ?? throw NotLoaded();

    /// <summary>Derives a 256-bit key for one purpose (e.g. "partner-email-lookup"; AtRestEncryption derives the encryption keys the same way).</summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, MasterKey, 32, salt: [], info: Encoding.UTF8.GetBytes("pms:" + purpose));

    internal async Task LoadAsync(PmsDbContext db, IOptions<PmsOptions> options, IHostEnvironment environment,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var jwt = await ResolveAsync(db, "Pms:Jwt:SigningKey", options.Value.Jwt.SigningKey, environment, time, cancellationToken);
        if (jwt.Length < 32)
        {
            throw new InvalidOperationException("Pms:Jwt:SigningKey must be at least 32 characters.");
        }
        var master = await ResolveAsync(db, "Pms:KeyEncryption:MasterKey", options.Value.KeyEncryption.MasterKey, environment, time, cancellationToken);
        if (master.Length < 32)
        {
            throw new InvalidOperationException("Pms:KeyEncryption:MasterKey must be at least 32 characters.");
        }
        var retired = options.Value.KeyEncryption.RetiredMasterKeys.Where(k => !string.IsNullOrWhiteSpace(k) && k != master).Distinct().ToList();
        if (retired.Any(k => k.Length < 32))
        {
            throw new InvalidOperationException("Each of Pms:KeyEncryption:RetiredMasterKeys must be at least 32 characters (the master key it was).");
        }
        _jwtSigningKey = Encoding.UTF8.GetBytes(jwt);
        _masterKey = Encoding.UTF8.GetBytes(master);
        _retiredMasterKeys = [.. retired.Select(Encoding.UTF8.GetBytes)];
    }

    private static async Task<string> ResolveAsync(PmsDbContext db, string name, string? configured,
        IHostEnvironment environment, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }
        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                $"{name} is not configured. Set it (environment variable {name.Replace(":", "__")}) from your secret store; " +
                "PMS generates secrets by itself only in the Development environment.");
        }

        var stored = await db.GeneratedSecrets.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, cancellationToken);
        if (stored is not null)
        {
            return stored.Value;
        }

        var value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        db.GeneratedSecrets.Add(new GeneratedSecret { Name = name, Value = value, CreatedAt = time.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return value;
        }
        catch (DbUpdateException)
        {
            // Another replica generated it first: use theirs.
            db.ChangeTracker.Clear();
            return (await db.GeneratedSecrets.AsNoTracking().FirstAsync(s => s.Name == name, cancellationToken)).Value;
        }
    }

    private static InvalidOperationException NotLoaded() =>
        new("PMS's secrets are read at start-up, after the database is migrated; this was used before that.");
}
