using Microsoft.EntityFrameworkCore;
using Pms.Grpc.Data.Entities;

namespace Pms.Grpc.Data;

public class PmsDbContext(DbContextOptions<PmsDbContext> options) : DbContext(options)
{
    public DbSet<UserAccount> Users => Set<UserAccount>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<UserSession> Sessions => Set<UserSession>();
    public DbSet<SignInAttempts> SignInAttempts => Set<SignInAttempts>();
    public DbSet<PasswordResetToken> PasswordResetTokens => Set<PasswordResetToken>();
    public DbSet<Partner> Partners => Set<Partner>();
    public DbSet<PartnerCertificate> PartnerCertificates => Set<PartnerCertificate>();
    public DbSet<CaCertificate> CaCertificates => Set<CaCertificate>();
    public DbSet<SigningAuthorityKey> SigningAuthorityKeys => Set<SigningAuthorityKey>();
    public DbSet<GeneratedSecret> GeneratedSecrets => Set<GeneratedSecret>();
    public DbSet<FtmChip> FtmChips => Set<FtmChip>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<CertificateExpiryNotice> CertificateExpiryNotices => Set<CertificateExpiryNotice>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<UserAccount>(e =>
        {
            e.HasIndex(u => u.NormalizedUsername).IsUnique();
            e.Property(u => u.Username).HasMaxLength(64);
            e.Property(u => u.NormalizedUsername).HasMaxLength(64);
            e.HasOne(u => u.Partner).WithMany().HasForeignKey(u => u.PartnerId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(u => u.PartnerId);
        });

        modelBuilder.Entity<RefreshToken>(e =>
        {
            e.HasIndex(t => t.TokenHash).IsUnique();
            e.HasIndex(t => new { t.UserId, t.RevokedAt });
            e.HasIndex(t => t.FamilyId);
            e.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<UserSession>(e =>
        {
            e.ToTable("sessions");
            e.HasIndex(s => new { s.UserId, s.RevokedAt });
            e.HasOne(s => s.User).WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<SignInAttempts>(e =>
        {
            e.HasKey(a => a.NormalizedUsername);
            e.Property(a => a.NormalizedUsername).HasMaxLength(64);
        });

        modelBuilder.Entity<PasswordResetToken>(e =>
        {
            e.HasIndex(t => t.TokenHash).IsUnique();
            // The per-account cap on reset mails counts recent tokens.
            e.HasIndex(t => new { t.UserId, t.CreatedAt });
            e.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Partner>(e =>
        {
            e.Property(p => p.FirstName).HasMaxLength(64);
            e.Property(p => p.LastName).HasMaxLength(64);
            e.Property(p => p.OrganizationName).HasMaxLength(128);
            e.Property(p => p.ConsentVersion).HasMaxLength(32);
            e.Property(p => p.Version).IsRowVersion();
            e.HasIndex(p => p.EmailLookupHash).IsUnique();
            e.HasIndex(p => new { p.CreatedAt, p.Id });
            e.HasIndex(p => p.OrganizationName);
            e.HasMany(p => p.Certificates).WithOne(c => c.Partner).HasForeignKey(c => c.PartnerId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<PartnerCertificate>(e =>
        {
            // At most one certificate in force per partner.
            e.HasIndex(c => c.PartnerId).IsUnique().HasFilter("is_current");
            e.HasIndex(c => new { c.PartnerId, c.UploadedAt });
            e.HasIndex(c => c.MosipSignedNotAfter).HasFilter("is_current");
        });

        modelBuilder.Entity<CaCertificate>(e =>
        {
            e.HasIndex(c => new { c.PartnerDomain, c.ThumbprintSha256 }).IsUnique();
            e.HasIndex(c => new { c.UploadedAt, c.Id });
            e.HasIndex(c => new { c.NotAfter, c.Id });
            e.HasIndex(c => new { c.Subject, c.Id });
            e.Property(c => c.ThumbprintSha256).HasMaxLength(64);
            e.Property(c => c.PublicKeyAlgorithm).HasMaxLength(32);
            e.HasOne<CaCertificate>().WithMany().HasForeignKey(c => c.IssuerCertificateId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<SigningAuthorityKey>(e =>
        {
            // Exactly one active signing CA; concurrent first starts race on this index and one wins.
            e.HasIndex(k => k.IsActive).IsUnique().HasFilter("is_active");
        });

        modelBuilder.Entity<GeneratedSecret>(e =>
        {
            e.HasKey(s => s.Name);
            e.Property(s => s.Name).HasMaxLength(64);
        });

        modelBuilder.Entity<FtmChip>(e =>
        {
            e.Property(c => c.Make).HasMaxLength(36);
            e.Property(c => c.Model).HasMaxLength(36);
            e.Property(c => c.OrganizationName).HasMaxLength(128);
            e.Property(c => c.ReviewComment).HasMaxLength(500);
            e.Property(c => c.Version).IsRowVersion();
            e.HasOne(c => c.Partner).WithMany().HasForeignKey(c => c.PartnerId).OnDelete(DeleteBehavior.Restrict);
            // MOSIP PMP_AUT_032: make+model is unique per provider among chips still in play.
            e.HasIndex(c => new { c.PartnerId, c.Make, c.Model })
                .IsUnique()
                .HasFilter($"status NOT IN ({(int)FtmChipStatus.Rejected}, {(int)FtmChipStatus.Deactivated})")
                .HasDatabaseName("ix_ftm_chips_active_make_model");
            // Keyset pagination: (sort key, id) for each order_by the API offers.
            e.HasIndex(c => new { c.CreatedAt, c.Id });
            e.HasIndex(c => new { c.UpdatedAt, c.Id });
            e.HasIndex(c => new { c.PartnerId, c.CreatedAt, c.Id });
            e.HasIndex(c => new { c.Status, c.CreatedAt, c.Id });
            e.HasIndex(c => new { c.Make, c.Id });
            e.HasIndex(c => new { c.Model, c.Id });
            e.HasIndex(c => new { c.OrganizationName, c.Id });
            e.HasIndex(c => c.MosipSignedNotAfter);
        });

        modelBuilder.Entity<AuditEvent>(e =>
        {
            e.Property(a => a.ResourceType).HasMaxLength(32);
            e.Property(a => a.ResourceId).HasMaxLength(64);
            e.Property(a => a.Action).HasMaxLength(64);
            e.Property(a => a.Comment).HasMaxLength(500);
            e.Property(a => a.Detail).HasColumnType("jsonb");
            e.HasIndex(a => new { a.ResourceType, a.ResourceId, a.OccurredAt });
            e.HasIndex(a => new { a.OccurredAt, a.Id });
        });

        modelBuilder.Entity<CertificateExpiryNotice>(e =>
        {
            e.HasIndex(n => new { n.ResourceType, n.ResourceId, n.CertificateNotAfter, n.ThresholdDays }).IsUnique();
        });
    }
}
