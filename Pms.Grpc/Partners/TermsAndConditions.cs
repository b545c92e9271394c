using Pms.Grpc.Auditing;
using Pms.Grpc.Data;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;

namespace Pms.Grpc.Partners;

/// <summary>The terms in force, and whether (and when) the caller accepted them.</summary>
public sealed record TermsView(string Version, string Text, bool ConsentGiven, DateTimeOffset? ConsentGivenAt);

/// <summary>The recorded consent.</summary>
public sealed record ConsentView(string Version, bool ConsentGiven, DateTimeOffset ConsentGivenAt);

/// <summary>The terms and conditions partners accept before they use PMS, and the record of their consent.</summary>
public sealed class TermsAndConditions(PmsDbContext db, PartnerAccess access, ConsentPolicy consent, IAuditLog audit, TimeProvider time,
    PartnerAccessCache accessCache)
{
    /// <summary>Version <see cref="ConsentPolicy.CurrentVersion"/>. Change the version with the text.</summary>
    public const string Text = """
        Partner Management System (PMS) — Terms and Conditions, version 1.0

        1. Who we are and what this covers. PMS is the Partner Management System of the national digital-identity platform (MOSIP). The partner admin of the platform operator uses it to onboard partners — makers of Foundational Trust Module (FTM) chips, biometric device providers and authentication partners — and to decide which of their certificates the platform trusts. These terms say which data about you and your organisation PMS keeps, why, and what you agree to by using it.

        2. Personal data we keep about you. Your first and last name, email address, phone number and postal address, your username, and a one-way hash of your password (never the password itself). Email, phone number and address are stored encrypted; your email is also kept as a keyed hash so that PMS can find your account without decrypting anyone's data.

        3. Organisation data we keep. Your organisation's registered name, your partner type, the certificates you upload (with their subject, issuer and validity), the MOSIP-signed certificates PMS issues for them, and — for FTM providers — the make and model of each chip and its certificate.

        4. Why we use it. Your name and organisation identify you to the partner admin, who reviews your requests. Your organisation name is checked against the O= field of every certificate you upload, because a certificate is only trusted for the organisation that registered it. Your email receives password-reset links and notices about certificates that are about to expire. Your phone number and address let the platform operator contact you about your partnership. Certificates are used to verify the devices, chips and services you supply, and the MOSIP-signed copies are shared with other MOSIP services that must verify them.

        5. What PMS records about your actions. Every change you or the partner admin make — registration, acceptance of these terms, certificate uploads, chip changes, password resets, sign-ins — is written to an audit log with the time and the account that made it. The audit log exists so that decisions about trust can be explained later; it is kept for as long as the platform operator's retention rules require.

        6. Who sees your data. The partner admin of the platform operator, and the operator's staff who run PMS. Certificates you upload, and the MOSIP-signed certificates issued for them, are also shared with other MOSIP services that check them. Your personal data is not sold or shared for any other purpose.

        7. Your responsibilities. You keep your password secret and sign out on shared computers. The information you register is true and current; ask the partner admin to correct your organisation name if it changes. You upload only certificates issued to your organisation, and you never upload private keys.

        8. Deactivation. The partner admin may deactivate your partnership, for example when a certificate is compromised; you then cannot sign in, and what you registered stays in PMS for the audit trail.

        9. Changes to these terms. When these terms change, their version changes and PMS asks you to accept the new version before you continue. Until you accept the current version you can read these terms, see your own account and change your password, but nothing else.
        """;

    public async Task<TermsView> GetAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        if (!user.IsPartner)
        {
            return new TermsView(ConsentPolicy.CurrentVersion, Text, false, null);
        }
        var partner = await access.RequirePartnerAsync(user, cancellationToken);
        var given = consent.HasCurrentConsent(partner);
        return new TermsView(ConsentPolicy.CurrentVersion, Text, given, given ? partner.ConsentGivenAt : null);
    }

    /// <summary>Records the caller's consent to <paramref name="version"/>, which must be the current one. Accepting twice changes nothing.</summary>
    public async Task<ConsentView> AcceptAsync(CurrentUser user, string version, CancellationToken cancellationToken)
    {
        version = version.Trim();
        if (version.Length == 0)
        {
            throw PmsErrors.InvalidField("version", "version is required: send the version GetTermsAndConditions returned.");
        }
        var partner = await access.RequirePartnerAsync(user, cancellationToken);
        if (version != ConsentPolicy.CurrentVersion)
        {
            throw PmsErrors.FailedPrecondition("TERMS_VERSION_MISMATCH",
                $"Version '{version}' is not the current terms and conditions (version {ConsentPolicy.CurrentVersion}); read them again and accept that version.");
        }
        if (consent.HasCurrentConsent(partner))
        {
            return new ConsentView(ConsentPolicy.CurrentVersion, true, partner.ConsentGivenAt!.Value);
        }

        var now = time.GetUtcNowForDatabase();
        partner.ConsentVersion = ConsentPolicy.CurrentVersion;
        partner.ConsentGivenAt = now;
        partner.UpdatedAt = now;
        audit.Add(new AuditEntry("TERMS_ACCEPTED", "partner", partner.Id.ToString(), user.UserId, user.Username,
            Comment: $"Accepted the terms and conditions, version {ConsentPolicy.CurrentVersion}."));
        await db.SaveChangesAsync(cancellationToken);
        await accessCache.PublishChangeAsync(db, partner.Id, cancellationToken);
        return new ConsentView(ConsentPolicy.CurrentVersion, true, now);
    }
}
