using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pms.Grpc.Configuration;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Mail;

namespace Pms.Grpc.FtmChips.Expiry;

/// <summary>
/// Finds MOSIP-signed partner and FTM chip certificates that expire within 30, 15, 10, 5 or 1 days and mails the
/// provider once per threshold, as MOSIP's certificate expiry batch job does. "Once" holds across runs and replicas:
/// each reminder is claimed in <c>certificate_expiry_notices</c> (unique per certificate and threshold) in the same
/// transaction that writes its mail into the outbox, which delivers it (retrying while the mail server is down).
/// </summary>
public sealed class CertificateExpiryScanner(
    PmsDbContext db,
    IPartnerContacts contacts,
    MailOutbox outbox,
    IOptions<PmsOptions> options,
    TimeProvider time,
    ILogger<CertificateExpiryScanner> logger)
{
    /// <summary>Thresholds in days, nearest first.</summary>
    public static readonly IReadOnlyList<int> ThresholdDays = [1, 5, 10, 15, 30];

    public const string PartnerCertificateResource = "partner_certificate";

    private sealed record Expiring(ExpiringCertificateKind Kind, string ResourceId, Guid PartnerId, DateTimeOffset NotAfter, string Description);

    /// <summary>One pass; returns how many reminders it wrote into the mail outbox.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var horizon = now.AddDays(ThresholdDays[^1]);

        var partnerCertificates = await db.PartnerCertificates.AsNoTracking()
            .Where(c => c.IsCurrent && c.MosipSignedNotAfter > now && c.MosipSignedNotAfter <= horizon
                && c.Partner!.Status != PartnerStatus.Deactivated)
            .Select(c => new { c.Id, c.PartnerId, c.MosipSignedNotAfter })
            .ToListAsync(cancellationToken);
        // Chips still in play; a rejected or deactivated chip's certificate is of no use to renew.
        var chips = await db.FtmChips.AsNoTracking()
            .Where(c => (c.Status == FtmChipStatus.PendingApproval || c.Status == FtmChipStatus.Approved)
                && c.MosipSignedNotAfter > now && c.MosipSignedNotAfter <= horizon
                && c.Partner!.Status != PartnerStatus.Deactivated)
            .Select(c => new { c.Id, c.PartnerId, c.Make, c.Model, c.MosipSignedNotAfter })
            .ToListAsync(cancellationToken);

        var expiring = partnerCertificates
            .Select(c => new Expiring(ExpiringCertificateKind.PartnerCertificate, c.Id.ToString(), c.PartnerId, c.MosipSignedNotAfter,
                "your partner certificate"))
            .Concat(chips.Select(c => new Expiring(ExpiringCertificateKind.FtmChipCertificate, c.Id.ToString(), c.PartnerId,
                c.MosipSignedNotAfter!.Value, $"your FTM chip {c.Make} {c.Model}")));

        var sent = 0;
        foreach (var certificate in expiring)
        {
            var threshold = ThresholdDays.First(days => certificate.NotAfter - now <= TimeSpan.FromDays(days));
            if (await TrySendAsync(certificate, threshold, now, cancellationToken))
            {
                sent++;
            }
        }
        if (sent > 0)
        {
            outbox.Nudge();
            logger.LogInformation("Wrote {Count} certificate expiry reminders into the mail outbox", sent);
        }
        return sent;
    }

    private async Task<bool> TrySendAsync(Expiring certificate, int threshold, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var resourceType = certificate.Kind == ExpiringCertificateKind.PartnerCertificate ? PartnerCertificateResource : FtmChipNames.ResourceType;
        var contact = await contacts.FindAsync(certificate.PartnerId, cancellationToken);
        if (contact is null)
        {
            return false;
        }

        // The claim and the mail commit together: a reminder is either claimed and on its way, or neither.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO certificate_expiry_notices (id, resource_type, resource_id, certificate_not_after, threshold_days, sent_at)
            VALUES ({Guid.CreateVersion7()}, {resourceType}, {certificate.ResourceId}, {certificate.NotAfter}, {threshold}, {now})
            ON CONFLICT DO NOTHING
            """, cancellationToken);
        if (claimed == 0)
        {
            return false; // already sent, by an earlier run or another replica
        }
        outbox.Add(ExpiryMail.Kind, ExpiryMail.Compose(
            new CertificateExpiryReminder(contact, certificate.Kind, certificate.Description, certificate.NotAfter, threshold),
            options.Value.Mail.From));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return true;
    }
}
