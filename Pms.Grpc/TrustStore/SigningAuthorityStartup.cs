using Microsoft.EntityFrameworkCore;
using Pms.Grpc.AtRest;
using Pms.Grpc.Certificates;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Infrastructure;

namespace Pms.Grpc.TrustStore;

/// <summary>Loads PMS's signing CA at start-up, generating and storing it on the very first start.</summary>
public sealed class SigningAuthorityStartup(
    PmsDbContext db, AtRestEncryption encryption, TimeProvider time, MosipSigner signer, ILogger<SigningAuthorityStartup> logger) : IStartupTask
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var protector = new PrivateKeyProtector(encryption);
        var stored = await ReadActiveAsync(cancellationToken);
        if (stored is null)
        {
            var created = SigningAuthority.Create(time);
            var id = Guid.CreateVersion7();
            // Replicas starting together on an empty database all get here. The unique index on the active row lets
            // one insert win; the others' inserts wait for its commit and then do nothing, and they read the winner's
            // key. Plain SQL, not SaveChanges: it needs no exception path, and nothing else tracked by this start-up's
            // DbContext rides along with it.
            var inserted = await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO signing_authority_keys (id, certificate_pem, encrypted_private_key, created_at, is_active)
                VALUES ({id}, {created.CertificatePem}, {created.ExportProtectedPrivateKey(protector, id)}, {time.GetUtcNow()}, TRUE)
                ON CONFLICT (is_active) WHERE is_active DO NOTHING
                """, cancellationToken);
            if (inserted == 1)
            {
                logger.LogInformation("Generated PMS's signing CA {Subject}", created.Certificate.Subject);
                signer.Authority = created;
                return;
            }
            stored = await ReadActiveAsync(cancellationToken) ?? throw new InvalidOperationException(
                "PMS's signing CA: another instance's insert won, yet no active signing CA is stored. Was it deactivated during start-up?");
            logger.LogInformation("Another instance generated PMS's signing CA at the same time; using it");
        }

        try
        {
            signer.Authority = SigningAuthority.Load(stored.CertificatePem, stored.EncryptedPrivateKey, stored.Id, protector, time);
        }
        catch (PrivateKeyProtectionException ex)
        {
            throw new InvalidOperationException(
                "PMS's signing CA private key cannot be decrypted: Pms:KeyEncryption:MasterKey is not the key it was stored with.", ex);
        }
    }

    private Task<SigningAuthorityKey?> ReadActiveAsync(CancellationToken cancellationToken) =>
        db.SigningAuthorityKeys.AsNoTracking().FirstOrDefaultAsync(k => k.IsActive, cancellationToken);
}
