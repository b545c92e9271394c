using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Certificates;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Infrastructure;

namespace Pms.Grpc.TrustStore;

/// <summary>
/// PMS's own signing CA, which issues the MOSIP-signed partner and FTM chip certificates. Generated on first
/// start (one replica wins the race), stored with its private key encrypted by a key derived from
/// <c>Pms:KeyEncryption:MasterKey</c>, and loaded into memory at start-up.
/// </summary>
public interface IMosipSigner
{
    SigningAuthority Authority { get; }
}

/// <summary>Holds the signing CA loaded at start-up for the life of the process.</summary>
public sealed class MosipSigner : IMosipSigner
{
    private SigningAuthority? _authority;

    public SigningAuthority Authority
    {
        get => _authority ?? throw new InvalidOperationException("The signing CA is loaded at start-up; it was used before that.");
        internal set => _authority = value;
    }
}

/// <summary>Loads PMS's signing CA at start-up, generating and storing it on the very first start.</summary>
public sealed class SigningAuthorityStartup(
    PmsDbContext db, PmsSecrets secrets, TimeProvider time, MosipSigner signer, ILogger<SigningAuthorityStartup> logger) : IStartupTask
{
    private const string KeyPurpose = "signing-ca-private-key";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var protector = new PrivateKeyProtector(Convert.ToBase64String(secrets.DeriveKey(KeyPurpose)));
        var stored = await db.SigningAuthorityKeys.AsNoTracking().FirstOrDefaultAsync(k => k.IsActive, cancellationToken);
        if (stored is null)
        {
            var created = SigningAuthority.Create(time);
            db.SigningAuthorityKeys.Add(new SigningAuthorityKey
            {
                Id = Guid.CreateVersion7(),
                CertificatePem = created.CertificatePem,
                EncryptedPrivateKey = created.ExportProtectedPrivateKey(protector),
                CreatedAt = time.GetUtcNow(),
                IsActive = true,
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                logger.LogInformation("Generated PMS's signing CA {Subject}", created.Certificate.Subject);
                signer.Authority = created;
                return;
            }
            catch (DbUpdateException)
            {
                // Another replica generated it at the same time: use theirs.
                db.ChangeTracker.Clear();
                stored = await db.SigningAuthorityKeys.AsNoTracking().FirstAsync(k => k.IsActive, cancellationToken);
            }
        }

        try
        {
            signer.Authority = SigningAuthority.Load(stored.CertificatePem, stored.EncryptedPrivateKey, protector, time);
        }
        catch (PrivateKeyProtectionException ex)
        {
            throw new InvalidOperationException(
                "PMS's signing CA private key cannot be decrypted: Pms:KeyEncryption:MasterKey is not the key it was stored with.", ex);
        }
    }
}
