using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pms.Grpc.Auditing;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;

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

/// <summary>Self-registration: a partner and the user account it signs in with, created together.</summary>
public sealed class PartnerRegistration(
    PmsDbContext db,
    PersonalDataProtector protector,
    IPasswordHasher<UserAccount> hasher,
    IAuditLog audit,
    PartnerDirectory directory,
    TimeProvider time)
{
    private const string UsernameTaken = "This username is already taken; choose another.";
    private const string EmailTaken = "An account with this email address already exists; sign in, or reset its password.";

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
        if (await db.Users.AnyAsync(u => u.NormalizedUsername == normalizedUsername, cancellationToken))
        {
            PmsErrors.AlreadyExists("USERNAME_ALREADY_EXISTS", UsernameTaken, field: "username");
        }
        if (await db.Partners.AnyAsync(p => p.EmailLookupHash == emailHash, cancellationToken))
        {
            PmsErrors.AlreadyExists("EMAIL_ALREADY_EXISTS", EmailTaken, field: "email");
        }

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
            AddressEncrypted = protector.Protect(form.Address, partnerId, PartnerDirectory.AddressField),
            PhoneNumberEncrypted = protector.Protect(form.PhoneNumber, partnerId, PartnerDirectory.PhoneNumberField),
            EmailEncrypted = protector.Protect(form.Email, partnerId, PartnerDirectory.EmailField),
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
            PasswordHash = "",
            Roles = [PartnerKinds.RoleOf(type)],
            PartnerId = partnerId,
            CreatedAt = now,
            PasswordChangedAt = now,
        };
        user.PasswordHash = hasher.HashPassword(user, form.Password);
        db.Partners.Add(partner);
        db.Users.Add(user);
        // Nobody is signed in yet: no actor id, and the new username as the actor's name.
        audit.Add(new AuditEntry("PARTNER_REGISTERED", "partner", partnerId.ToString(), null, user.Username,
            ToStatus: PartnerKinds.ApiName(partner.Status),
            DetailJson: JsonSerializer.Serialize(new { partner_type = type.ToString(), organization_name = partner.OrganizationName })));

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            // Someone registered the same username or email between the check above and this insert.
            db.ChangeTracker.Clear();
            if (unique.ConstraintName == "ix_partners_email_lookup_hash")
            {
                PmsErrors.AlreadyExists("EMAIL_ALREADY_EXISTS", EmailTaken, field: "email");
            }
            PmsErrors.AlreadyExists("USERNAME_ALREADY_EXISTS", UsernameTaken, field: "username");
        }
        return directory.Describe(partner, user.Username, certificateUploaded: false);
    }

    private static void Validate(PartnerRegistrationForm form) => PartnerRules.ThrowIfAny(Violations(form));

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
