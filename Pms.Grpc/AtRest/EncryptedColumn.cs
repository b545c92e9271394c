namespace Pms.Grpc.AtRest;

/// <summary>
/// A database column that holds encrypted values. Its table and column name (with the row id) are what a value is
/// bound to, and what <see cref="AtRestFormatUpgrade"/> rewrites; <see cref="LegacyField"/> is the name the version 1
/// personal-data format bound instead.
/// </summary>
public sealed record EncryptedColumn(string Table, string Column, AtRestPurpose Purpose, string? LegacyField = null)
{
    public static readonly EncryptedColumn PartnerEmail = new("partners", "email_encrypted", AtRestPurpose.PersonalData, "email");
    public static readonly EncryptedColumn PartnerPhoneNumber = new("partners", "phone_number_encrypted", AtRestPurpose.PersonalData, "phone_number");
    public static readonly EncryptedColumn PartnerAddress = new("partners", "address_encrypted", AtRestPurpose.PersonalData, "address");
    public static readonly EncryptedColumn MailRequest = new("mail_outbox", "request_encrypted", AtRestPurpose.PersonalData, "mail-outbox-request");
    public static readonly EncryptedColumn MailMessage = new("mail_outbox", "message_encrypted", AtRestPurpose.PersonalData, "mail-outbox-message");
    public static readonly EncryptedColumn SigningCaPrivateKey = new("signing_authority_keys", "encrypted_private_key", AtRestPurpose.SigningCaPrivateKey);

    /// <summary>Every encrypted column PMS has: a new one must be added here, or old values in it are never rewritten.</summary>
    public static IReadOnlyList<EncryptedColumn> All { get; } =
        [PartnerEmail, PartnerPhoneNumber, PartnerAddress, MailRequest, MailMessage, SigningCaPrivateKey];

    /// <summary>What a value of this column in row <paramref name="rowId"/> is bound to (the associated data).</summary>
    public string Context(Guid rowId) => $"{Table}.{Column} of row {rowId:D}";
}
