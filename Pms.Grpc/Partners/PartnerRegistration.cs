using System.Text.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pms.Grpc.AtRest;
using Pms.Grpc.Auditing;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;
using Pms.Grpc.Mail;

namespace Pms.Grpc.Partners;

/// <summary>What a new partner sends. <see cref="Type"/> is null when the client left it unspecified.</summary>
public sealed record PartnerRegistrationForm(
    PartnerType? Type,
    string FirstName,
    string LastName,
    string OrganizationName,
    string Address,
    string PhoneNumber,
    string Email,
    string Username,
    string Password);

/// <summary>
/// Self-registration: a partner and the user account it signs in with, created together. A registration with an email
/// that already has an account is answered exactly like a successful one, and the address's owner gets a mail instead
/// (docs/security.md, "Account enumeration"); a taken username is refused by name, because its owner must pick another.
/// </summary>
public sealed class PartnerRegistration(
    PmsDbContext db,
    PersonalDataProtector protector,
    IPasswordHasher<UserAccount> hasher,
    PasswordHashGate hashGate,
    IAuditLog audit,
    PartnerDirectory directory,
    MailOutbox outbox,
    TimeProvider time)
{
    private const string UsernameTaken = "This username is taken; choose another.";

    public async Task<PartnerDetails> RegisterAsync(PartnerRegistrationForm form, CancellationToken cancellationToken)
    {
        form = form with
        {
            FirstName = form.FirstName.Trim(),
            LastName = form.LastName.Trim(),
            OrganizationName = form.OrganizationName.Trim(),
            Address = form.Address.Trim(),
            PhoneNumber = form.PhoneNumber.Trim(),
            Email = form.Email.Trim(),
            Username = form.Username.Trim(),
        };
        Validate(form);

        var normalizedUsername = UserNames.Normalize(form.Username);
        var emailHash = protector.EmailLookupHash(form.Email);
        // Hash, encrypt and ask both questions every time: an email clash costs what a registration costs.
        var passwordHash = await hashGate.RunAsync(() => hasher.HashPassword(null!, form.Password), cancellationToken);
        var usernameTaken = await db.Users.AnyAsync(u => u.NormalizedUsername == normalizedUsername, cancellationToken);
        var emailOwner = await EmailOwnerAsync(emailHash, cancellationToken);
        if (usernameTaken)
        {
            throw UsernameAlreadyExists();
        }

        var (partner, user) = NewAccount(form, normalizedUsername, emailHash, passwordHash);
        var registered = directory.Describe(partner, user.Username, certificateUploaded: false);
        if (emailOwner is { } owner)
        {
            await AnswerTakenEmailAsync(form, owner, cancellationToken);
            return registered;
        }

        db.Partners.Add(partner);
        db.Users.Add(user);
        // Nobody is signed in yet: no actor id, and the new username as the actor's name.
        audit.Add(new AuditEntry("PARTNER_REGISTERED", "partner", partner.Id.ToString(), null, user.Username,
            ToStatus: PartnerKinds.ApiName(partner.Status),
            DetailJson: JsonSerializer.Serialize(new { partner_type = partner.PartnerType.ToString(), organization_name = partner.OrganizationName })));

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            // Someone registered the same username or email between the look-ups above and this insert.
            db.ChangeTracker.Clear();
            if (unique.ConstraintName == EmailIndex && await EmailOwnerAsync(emailHash, cancellationToken) is { } racedOwner)
            {
                await AnswerTakenEmailAsync(form, racedOwner, cancellationToken);
                return registered;
            }
            throw UsernameAlreadyExists();
        }
        return registered;
    }

    private const string EmailIndex = "ix_partners_email_lookup_hash";

    private Task<Guid?> EmailOwnerAsync(byte[] emailHash, CancellationToken cancellationToken) =>
        db.Partners.Where(p => p.EmailLookupHash == emailHash).Select(p => (Guid?)p.Id).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// The email already has an account: nothing is created, the caller gets the answer of a registration, and the
    /// address's owner gets a mail (composed on the mail sender, capped per account) saying someone tried.
    /// </summary>
    private async Task AnswerTakenEmailAsync(PartnerRegistrationForm form, Guid owner, CancellationToken cancellationToken)
    {
        outbox.AddRequest(TakenEmailNotice.MailKind, form.Email);
        audit.Add(new AuditEntry(TakenEmailNotice.AttemptAction, "partner", owner.ToString(), null, form.Username,
            Outcome: AuditEntry.Failure, Comment: "A registration used this partner's email; nothing was created and the owner is told by mail."));
        await db.SaveChangesAsync(cancellationToken);
        outbox.Nudge();
    }

    private (Partner Partner, UserAccount User) NewAccount(PartnerRegistrationForm form, string normalizedUsername, byte[] emailHash,
        string passwordHash)
    {
        var now = time.GetUtcNowForDatabase();
        var type = form.Type!.Value;
        var partnerId = Guid.CreateVersion7();
        var partner = new Partner
        {
            Id = partnerId,
            PartnerType = type,
            FirstName = form.FirstName,
            LastName = form.LastName,
            OrganizationName = form.OrganizationName,
            AddressEncrypted = protector.Protect(form.Address, partnerId, EncryptedColumn.PartnerAddress),
            PhoneNumberEncrypted = protector.Protect(form.PhoneNumber, partnerId, EncryptedColumn.PartnerPhoneNumber),
            EmailEncrypted = protector.Protect(form.Email, partnerId, EncryptedColumn.PartnerEmail),
            EmailLookupHash = emailHash,
            Status = PartnerStatus.InProgress,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var user = new UserAccount
        {
            Id = Guid.CreateVersion7(),
            Username = form.Username,
            NormalizedUsername = normalizedUsername,
            PasswordHash = passwordHash,
            Roles = [PartnerKinds.RoleOf(type)],
            PartnerId = partnerId,
            CreatedAt = now,
            PasswordChangedAt = now,
        };
        return (partner, user);
    }

    private static PmsException UsernameAlreadyExists() =>
        PmsErrors.AlreadyExists("USERNAME_ALREADY_EXISTS", UsernameTaken, field: "username");

    private static void Validate(PartnerRegistrationForm form) => PmsErrors.ThrowIfAny(Violations(form));

    /// <summary>Every bad field of a (trimmed) form; also used at the edge so one refusal names them all.</summary>
    public static List<FieldViolation> Violations(PartnerRegistrationForm form)
    {
        var violations = new List<FieldViolation>();
        if (form.Type is null)
        {
            violations.Add(new("partner_type", "partner_type is required: FTM_PROVIDER, DEVICE_PROVIDER or AUTH_PARTNER."));
        }
        PartnerRules.CheckText(violations, "first_name", form.FirstName, PartnerRules.MaxNameLength);
        PartnerRules.CheckText(violations, "last_name", form.LastName, PartnerRules.MaxNameLength);
        PartnerRules.CheckText(violations, "organization_name", form.OrganizationName, PartnerRules.MaxOrganizationLength);
        PartnerRules.CheckText(violations, "address", form.Address, PartnerRules.MaxAddressLength, multiLine: true);
        PartnerRules.CheckPhoneNumber(violations, "phone_number", form.PhoneNumber);
        PartnerRules.CheckEmail(violations, "email", form.Email);
        PartnerRules.CheckUsername(violations, "username", form.Username);
        PartnerRules.CheckPassword(violations, "password", form.Password, form.Username);
        return violations;
    }
}
