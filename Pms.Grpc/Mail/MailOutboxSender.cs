using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pms.Grpc.AtRest;
using Pms.Grpc.Configuration;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Partners;

namespace Pms.Grpc.Mail;

/// <summary>
/// Sends the outbox's mail. Each pass claims due rows with <c>FOR UPDATE SKIP LOCKED</c> and a lease, so replicas
/// share the work and never send one mail twice while the lease holds; a sender that dies mid-way leaves its rows to
/// be claimed again when the lease runs out (mail is delivered at least once). A failed attempt is retried with
/// exponential backoff; after <see cref="MailOptions.MaxAttempts"/> the mail is marked undeliverable, counted on the
/// <c>Pms.Mail</c> meter, logged at Error, and listed by AuditService.ListUndeliveredMails. Nothing is dropped.
/// </summary>
public sealed class MailOutboxSender(
    IServiceScopeFactory scopes,
    IMailSender sender,
    MailOutboxSignal signal,
    MailMetrics metrics,
    IOptions<PmsOptions> options,
    ILogger<MailOutboxSender> logger) : BackgroundService
{
    private const int BatchSize = 20;
    private static readonly TimeSpan DatabaseRetryDelay = TimeSpan.FromSeconds(2);

    private MailOptions Options => options.Value.Mail;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var databaseDown = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            int handled;
            try
            {
                handled = await SendDueAsync(stoppingToken);
                if (databaseDown)
                {
                    logger.LogInformation("The mail outbox is reachable again");
                    databaseDown = false;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Mail waits safely in the database meanwhile; /health tells the operator the database is down.
                if (!databaseDown)
                {
                    logger.LogWarning("Cannot read the mail outbox ({Error}); mail waits in the database and goes out once it answers", ex.GetBaseException().Message);
                    databaseDown = true;
                }
                await Delay(DatabaseRetryDelay, stoppingToken);
                continue;
            }
            if (handled == 0)
            {
                try
                {
                    await signal.WaitAsync(Options.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims and sends what is due, one batch; returns how many mails it handled.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
        var claimToken = Guid.NewGuid();
        var lease = Options.ClaimLease;
        var claimed = await db.Database.SqlQuery<Guid>($"""
            UPDATE mail_outbox SET claimed_until = now() + {lease}, claim_token = {claimToken}, attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM mail_outbox
                WHERE status = {(int)OutboxMailStatus.Pending} AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
                ORDER BY next_attempt_at, sequence
                LIMIT {BatchSize}
                FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """).ToListAsync(cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        var mails = await db.OutboxMails.AsNoTracking().Where(m => claimed.Contains(m.Id)).OrderBy(m => m.Sequence).ToListAsync(cancellationToken);
        foreach (var mail in mails)
        {
            await SendOneAsync(scope.ServiceProvider, mail, claimToken, cancellationToken);
            db.ChangeTracker.Clear();
        }
        return mails.Count;
    }

    private async Task SendOneAsync(IServiceProvider services, OutboxMail mail, Guid claimToken, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<PmsDbContext>();
        var protector = services.GetRequiredService<PersonalDataProtector>();
        var mine = db.OutboxMails.Where(m => m.Id == mail.Id && m.ClaimToken == claimToken);
        try
        {
            var message = mail.MessageEncrypted is { } encrypted
                ? MailOutbox.Deserialize(protector.Unprotect(encrypted, mail.Id, EncryptedColumn.MailMessage))
                : await ComposeAsync(services, mail, claimToken, cancellationToken);
            if (message is null)
            {
                return;
            }

            await sender.SendAsync(message, cancellationToken);
            // The content holds personal data (and reset links): it goes once it is delivered.
            await mine.ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, OutboxMailStatus.Sent)
                .SetProperty(m => m.CompletedAt, DateTimeOffset.UtcNow)
                .SetProperty(m => m.MessageEncrypted, (byte[]?)null)
                .SetProperty(m => m.LastError, (string?)null)
                .SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null), CancellationToken.None);
            metrics.Sent(mail.Kind);
            logger.LogInformation("Sent a {Kind} mail ({MailId}, attempt {Attempt})", mail.Kind, mail.Id, mail.Attempts);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the lease runs out and this or another replica tries again; the attempt is not held against it.
            await mine.ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.Attempts, m => m.Attempts - 1), CancellationToken.None);
            throw;
        }
        catch (Exception ex)
        {
            db.ChangeTracker.Clear();
            await RecordFailureAsync(db, mine, mail, claimToken, ex);
        }
    }

    /// <summary>Composes a requested mail and stores it, with what composing saved, in one transaction; null when nothing is to be sent.</summary>
    private static async Task<MimeKit.MimeMessage?> ComposeAsync(IServiceProvider services, OutboxMail mail, Guid claimToken, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<PmsDbContext>();
        var protector = services.GetRequiredService<PersonalDataProtector>();
        var composer = services.GetServices<IMailComposer>().FirstOrDefault(c => c.Kind == mail.Kind)
            ?? throw new InvalidOperationException($"No composer for {mail.Kind} mail is registered.");
        var request = protector.Unprotect(mail.RequestEncrypted ?? throw new InvalidOperationException("The mail has neither a message nor a request."),
            mail.Id, EncryptedColumn.MailRequest);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var message = await composer.ComposeAsync(request, cancellationToken);
        var mine = db.OutboxMails.Where(m => m.Id == mail.Id && m.ClaimToken == claimToken);
        var updated = message is null
            ? await mine.ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, OutboxMailStatus.NotNeeded)
                .SetProperty(m => m.CompletedAt, DateTimeOffset.UtcNow)
                .SetProperty(m => m.RequestEncrypted, (byte[]?)null)
                .SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null), cancellationToken)
            : await mine.ExecuteUpdateAsync(s => s
                .SetProperty(m => m.MessageEncrypted, protector.Protect(MailOutbox.Serialize(message), mail.Id, EncryptedColumn.MailMessage))
                .SetProperty(m => m.RequestEncrypted, (byte[]?)null), cancellationToken);
        if (updated == 0)
        {
            // The lease ran out and another sender took the mail: it composes and sends it, this one leaves it.
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }
        await transaction.CommitAsync(cancellationToken);
        return message;
    }

    private async Task RecordFailureAsync(PmsDbContext db, IQueryable<OutboxMail> mine, OutboxMail mail, Guid claimToken, Exception ex)
    {
        var error = $"{ex.GetType().Name}: {ex.GetBaseException().Message}";
        error = error.Length > 1000 ? error[..1000] : error;
        try
        {
            if (mail.Attempts >= Math.Max(1, Options.MaxAttempts))
            {
                await mine.ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Status, OutboxMailStatus.Undeliverable)
                    .SetProperty(m => m.CompletedAt, DateTimeOffset.UtcNow)
                    .SetProperty(m => m.LastError, error)
                    .SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null), CancellationToken.None);
                metrics.Undeliverable(mail.Kind);
                logger.LogError(
                    "Gave up a {Kind} mail ({MailId}) after {Attempts} attempts; the last failed with {Error}. Fix the mail server " +
                    "(ConnectionStrings:mail) and send it again: AuditService.ListUndeliveredMails lists it, and docs/mail.md shows how to requeue it",
                    mail.Kind, mail.Id, mail.Attempts, error);
                return;
            }

            var delay = RetryDelay(mail.Attempts);
            await db.Database.ExecuteSqlAsync($"""
                UPDATE mail_outbox SET next_attempt_at = now() + {delay}, last_error = {error}, claimed_until = NULL
                WHERE id = {mail.Id} AND claim_token = {claimToken}
                """, CancellationToken.None);
            metrics.Retried(mail.Kind);
            logger.LogWarning("Could not send a {Kind} mail ({MailId}, attempt {Attempt} of {MaxAttempts}): {Error}; trying again in {Delay}",
                mail.Kind, mail.Id, mail.Attempts, Options.MaxAttempts, error, delay);
        }
        catch (Exception recordFailure)
        {
            // The database went too: the lease runs out and the mail is claimed again.
            logger.LogWarning("Could not record the failed attempt of {Kind} mail {MailId} ({Error}); it is retried when its claim runs out",
                mail.Kind, mail.Id, recordFailure.GetBaseException().Message);
        }
    }

    /// <summary>The wait after the <paramref name="attempts"/>-th failure: RetryDelay, doubling, at most MaxRetryDelay.</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(Options.RetryDelay.Ticks * factor, Options.MaxRetryDelay.Ticks));
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    private static async Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
