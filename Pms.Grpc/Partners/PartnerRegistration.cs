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
    PasswordHashGate hashGate,
    IAuditLog audit,
    PartnerDirectory directory,
    TimeProvider time)
{
    // One answer for either clash, so registering cannot tell which usernames or which emails have accounts (docs/security.md).
    private const string AccountExists =
        "This username or email address cannot be registered. Choose another username; if you already have an account, sign in or reset its password.";

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
        // Hash first and ask both questions every time: a clash costs what a registration costs, whichever field clashes.
        var passwordHash = await hashGate.RunAsync(() => hasher.HashPassword(null!, form.Password), cancellationToken);
        var usernameTaken = await db.Users.AnyAsync(u => u.NormalizedUsername == normalizedUsername, cancellationToken);
        var emailTaken = await db.Partners.AnyAsync(p => p.EmailLookupHash == emailHash, cancellationToken);
        if (usernameTaken || emailTaken)
        {
            ThrowAccountExists();
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
            PasswordHash = passwordHash,
            Roles = [PartnerKinds.RoleOf(type)],
            PartnerId = partnerId,
            CreatedAt = now,
            PasswordChangedAt = now,
        };
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
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Someone registered the same username or email between the check above and this insert.
            db.ChangeTracker.Clear();
            ThrowAccountExists();
        }
        return directory.Describe(partner, user.Username, certificateUploaded: false);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowAccountExists() =>
        throw new PmsException(global::Grpc.Core.StatusCode.AlreadyExists, "ACCOUNT_ALREADY_EXISTS", AccountExists,
            fieldViolations: [new FieldViolation("username", AccountExists), new FieldViolation("email", AccountExists)]);

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
