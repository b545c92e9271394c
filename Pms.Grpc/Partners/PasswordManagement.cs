using Grpc.Core;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Pms.Grpc.AtRest;
using Pms.Grpc.Auditing;
using Pms.Grpc.Configuration;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;
using Pms.Grpc.Mail;

namespace Pms.Grpc.Partners;

/// <summary>Forgotten passwords (a mailed single-use link) and password changes; both end every session of the account.</summary>
public sealed class PasswordManagement(
    PmsDbContext db,
    IPasswordHasher<UserAccount> hasher,
    SessionService sessions,
    SignInThrottle throttle,
    PasswordHashGate hashGate,
    PartnerAccess access,
    PersonalDataProtector protector,
    MailOutbox outbox,
    IAuditLog audit,
    IOptions<PmsOptions> options,
    TimeProvider time,
    ILogger<PasswordManagement> logger)
{
    public static readonly TimeSpan ResetTokenLifetime = TimeSpan.FromMinutes(30);
    private const string InvalidResetTokenMessage =
        "This password-reset link is unknown, expired or already used; ask for a new one.";

    public const string ResetMailKind = "password-reset";

    /// <summary>
    /// Writes the reset request into the mail outbox and returns: the look-up, the token and the mail all happen on
    /// the mail sender (<see cref="PasswordResetMailComposer"/>), so the answer is the same, and as fast, whether or
    /// not the email belongs to an account. Once this returns, the request survives a crash of this replica.
    /// </summary>
    public async Task RequestResetAsync(string email, CancellationToken cancellationToken)
    {
        email = email.Trim();
        var violations = new List<FieldViolation>();
        PartnerRules.CheckEmail(violations, "email", email);
        PmsErrors.ThrowIfAny(violations);

        outbox.AddRequest(ResetMailKind, email);
        await db.SaveChangesAsync(cancellationToken);
        outbox.Nudge();
    }

    /// <summary>
    /// Issues a reset token for the account with this email and writes the mail carrying it; null when there is none.
    /// Runs on the mail sender, in its transaction: the token is committed with the composed mail.
    /// </summary>
    internal async Task<MimeMessage?> ComposeResetMailAsync(string email, CancellationToken cancellationToken)
    {
        var emailHash = protector.EmailLookupHash(email);
        var partner = await db.Partners.AsNoTracking().FirstOrDefaultAsync(p => p.EmailLookupHash == emailHash, cancellationToken);
        var user = partner is null ? null : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.PartnerId == partner.Id, cancellationToken);
        if (partner is null || user is null || partner.Status == PartnerStatus.Deactivated)
        {
            logger.LogInformation("Password reset asked for an email that belongs to no active account; no mail sent");
            return null;
        }

        var now = time.GetUtcNowForDatabase();
        // Counted in the database, so every replica's worker agrees: a victim cannot be mail-bombed through this RPC.
        var cap = options.Value.RateLimits.ResetMailsPerAccountPerHour;
        var since = now - TimeSpan.FromHours(1);
        if (await db.PasswordResetTokens.CountAsync(t => t.UserId == user.Id && t.CreatedAt > since, cancellationToken) >= cap)
        {
            logger.LogInformation("Password reset mail not sent: the account already had {Cap} in the last hour", cap);
            return null;
        }
        var (token, hash) = TokenIssuer.CreateOpaqueToken();
        db.PasswordResetTokens.Add(new PasswordResetToken
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            TokenHash = hash,
            CreatedAt = now,
            ExpiresAt = now + ResetTokenLifetime,
        });
        audit.Add(ByToken(user, "PASSWORD_RESET_REQUESTED"));
        await db.SaveChangesAsync(cancellationToken);

        var link = $"{options.Value.Portal.BaseUrl.TrimEnd('/')}/reset-password?token={Uri.EscapeDataString(token)}";
        var to = protector.Unprotect(partner.EmailEncrypted, partner.Id, EncryptedColumn.PartnerEmail);
        var message = new MimeMessage
        {
            Subject = "Reset your PMS password",
            Body = new TextPart("plain")
            {
                Text = $"""
                    Hello {partner.FirstName},

                    Someone asked to reset the password of your Partner Management System account '{user.Username}'.
                    To choose a new password, open this link within {ResetTokenLifetime.TotalMinutes:0} minutes:

                    {link}

                    The link works once. If you did not ask for this, ignore this mail: your password stays as it is.
                    """,
            },
        };
        message.From.Add(MailboxAddress.Parse(options.Value.Mail.From));
        message.To.Add(new MailboxAddress($"{partner.FirstName} {partner.LastName}", to));
        return message;
    }

    /// <summary>Sets a new password with a mailed token: the token works once, and every session of the account ends.</summary>
    public async Task ResetAsync(string resetToken, string newPassword, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(resetToken) || resetToken.Length > 128)
        {
            throw await RefusedResetTokenAsync(null, "malformed", cancellationToken);
        }
        CheckNewPassword(newPassword, username: null);

        var now = time.GetUtcNowForDatabase();
        var hash = TokenIssuer.HashOpaqueToken(resetToken.Trim());
        var stored = await db.PasswordResetTokens.AsNoTracking().Include(t => t.User)
            .FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (stored?.User is null || stored.ConsumedAt is not null || stored.ExpiresAt <= now)
        {
            throw await RefusedResetTokenAsync(stored?.User, stored is null ? "unknown" : stored.ConsumedAt is not null ? "used" : "expired",
                cancellationToken);
        }
        CheckNewPassword(newPassword, stored.User.Username);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Two concurrent resets with one token: only one claims it.
        var claimed = await db.PasswordResetTokens
            .Where(t => t.Id == stored.Id && t.ConsumedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedAt, now), cancellationToken);
        if (claimed == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            throw await RefusedResetTokenAsync(stored.User, "used", cancellationToken);
        }
        // Any other link mailed before is spent too: the newest password wins.
        await db.PasswordResetTokens
            .Where(t => t.UserId == stored.UserId && t.ConsumedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedAt, now), cancellationToken);

        var user = await db.Users.FirstAsync(u => u.Id == stored.UserId, cancellationToken);
        SetPassword(user, newPassword, now);
        audit.Add(ByToken(user, "PASSWORD_RESET"));
        await db.SaveChangesAsync(cancellationToken);
        await sessions.RevokeAllSessionsAsync(user.Id, cancellationToken);
        // Proving access to the mailbox is as good as the password: start the account's sign-in count afresh.
        await throttle.ClearAsync(user.NormalizedUsername, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Changes the caller's password after checking the current one, and ends every session, the caller's included.</summary>
    public async Task ChangeAsync(CurrentUser caller, string currentPassword, string newPassword, CancellationToken cancellationToken)
    {
        if (caller.IsPartner)
        {
            await access.RequirePartnerAsync(caller, cancellationToken);
        }
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == caller.UserId, cancellationToken);
        if (user is null)
        {
            throw PmsErrors.Unauthenticated("INVALID_TOKEN", "The access token names an account that does not exist; sign in again.");
        }
        CheckNewPassword(newPassword, user.Username);

        // A stolen access token must not become a password oracle: wrong current passwords count like failed sign-ins.
        var attempt = await throttle.CountAsync(user.NormalizedUsername, cancellationToken);
        if (string.IsNullOrEmpty(currentPassword) || currentPassword.Length > PartnerRules.MaxPasswordLength
            || await hashGate.RunAsync(() => hasher.VerifyHashedPassword(user, user.PasswordHash, currentPassword), cancellationToken)
                == PasswordVerificationResult.Failed)
        {
            await audit.RecordAsync(AuditEntry.ForUser(user, "PASSWORD_CHANGE_REFUSED", AuditEntry.Failure), cancellationToken);
            throw PmsErrors.InvalidArgument("INVALID_CURRENT_PASSWORD", "current_password is not your current password.", field: "current_password");
        }
        await throttle.GiveBackAsync(attempt, cancellationToken);

        var now = time.GetUtcNowForDatabase();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        SetPassword(user, newPassword, now);
        audit.Add(AuditEntry.ForUser(user, "PASSWORD_CHANGED"));
        await db.SaveChangesAsync(cancellationToken);
        await sessions.RevokeAllSessionsAsync(user.Id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<PmsException> RefusedResetTokenAsync(UserAccount? user, string why, CancellationToken cancellationToken)
    {
        // Guessing or replaying reset links is worth an operator's eye: record it, with the account when the token names one.
        db.ChangeTracker.Clear();
        await audit.RecordAsync(new AuditEntry("PASSWORD_RESET_TOKEN_INVALID", "user", user?.Id.ToString() ?? "", null, user?.Username ?? "",
            Outcome: AuditEntry.Failure, Comment: why), cancellationToken);
        return PmsErrors.InvalidArgument("INVALID_RESET_TOKEN", InvalidResetTokenMessage, field: "reset_token");
    }

    // Nobody is signed in when a reset is asked for or used: no actor id.
    private static AuditEntry ByToken(UserAccount user, string action) =>
        new(action, "user", user.Id.ToString(), null, user.Username);

    private void SetPassword(UserAccount user, string password, DateTimeOffset now)
    {
        user.PasswordHash = hasher.HashPassword(user, password);
        user.PasswordChangedAt = now;
    }

    private static void CheckNewPassword(string password, string? username)
    {
        var violations = new List<FieldViolation>();
        PartnerRules.CheckPassword(violations, "new_password", password, username);
        PmsErrors.ThrowIfAny(violations);
    }
}
