using Google.Protobuf;
using Google.Protobuf.Reflection;
using Mosip.Pms.V1;
using Pms.Grpc.Partners;
using Pms.Grpc.Services;

namespace Pms.Grpc.Validation;

/// <summary>
/// The limit of every field of every request message, keyed by the field's full proto name. The edge refuses what
/// breaks them before any RPC runs, so no oversized or malformed value reaches the domain or the database. A unit
/// test fails when a request field has no entry here; the proto comment of each field states its limit.
/// </summary>
public static class RequestLimits
{
    /// <summary>Ids are UUIDs (36 characters); a little room lets the RPC answer "not a UUID" for near misses.</summary>
    public const int MaxIdLength = 64;
    /// <summary>
    /// Page tokens are opaque: base64url of the last row's sort key. 8 KiB holds the longest sort key a page can end
    /// on (a 128-character organisation name or a certificate subject, JSON-escaped).
    /// </summary>
    public const int MaxPageTokenLength = 8192;
    public const int MaxOrderByLength = 64;
    public const int MaxOpaqueTokenLength = 128;
    /// <summary>"Within this many days" filters: up to 100 years ahead; more cannot be a date.</summary>
    public const int MaxExpiringWithinDays = 36_500;
    public const int MaxEtagLength = 64;
    public const int MaxVersionLength = 64;

    /// <summary>X.509 times start in 1950 (UTCTime); the end is the last second a timestamp can hold.</summary>
    public static readonly DateTimeOffset MinTime = new(1950, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset MaxTime = new(9999, 12, 31, 23, 59, 59, TimeSpan.Zero);

    private static readonly TextLimit Id = new(MaxIdLength);
    private static readonly TextLimit PageToken = new(MaxPageTokenLength);
    private static readonly TextLimit OrderBy = new(MaxOrderByLength);
    private static readonly NumberLimit PageSize = new(0, int.MaxValue);
    private static readonly NumberLimit ExpiringWithinDays = new(0, MaxExpiringWithinDays);
    private static readonly TextLimit Comment = new(PartnerRules.MaxCommentLength, Trimmed: true, MultiLine: true);
    private static readonly TextLimit Password = new(PartnerRules.MaxPasswordLength, Secret: true);
    private static readonly TextLimit OpaqueToken = new(MaxOpaqueTokenLength);
    private static readonly TextLimit Etag = new(MaxEtagLength);
    private static readonly TextLimit Organization = new(PartnerRules.MaxOrganizationLength, Trimmed: true);
    private static readonly TextLimit ChipName = new(36, Trimmed: true);
    private static readonly TextLimit Email = new(254, Trimmed: true);
    private static readonly CertificateDataLimit Certificate = new();

    private static readonly Dictionary<string, FieldLimit> Limits = Build(
        // AuditService
        (ListAuditEventsRequest.Descriptor, [
            ("page_size", PageSize), ("page_token", PageToken), ("order_by", OrderBy),
            ("resource_type", new TextLimit(32)), ("resource_id", Id), ("actor_contains", new TextLimit(64)),
            ("action", new TextLimit(64)),
        ]),
        // TrustStoreService
        (UploadCaCertificateRequest.Descriptor, [("certificate_data", Certificate)]),
        (ListCaCertificatesRequest.Descriptor, [
            ("page_size", PageSize), ("page_token", PageToken), ("order_by", OrderBy),
            ("subject_contains", new TextLimit(256)), ("expiring_within_days", ExpiringWithinDays),
        ]),
        (GetCaCertificateRequest.Descriptor, [("certificate_id", Id)]),
        (DownloadCaCertificateRequest.Descriptor, [("certificate_id", Id)]),
        (VerifyCertificateTrustRequest.Descriptor, [("certificate_data", Certificate), ("validation_time", new TimeLimit(MinTime, MaxTime))]),
        // PartnerService
        (RegisterPartnerRequest.Descriptor, [
            ("first_name", new TextLimit(PartnerRules.MaxNameLength, Trimmed: true)),
            ("last_name", new TextLimit(PartnerRules.MaxNameLength, Trimmed: true)),
            ("organization_name", Organization),
            ("address", new TextLimit(PartnerRules.MaxAddressLength, Trimmed: true, MultiLine: true)),
            ("phone_number", new TextLimit(17, Trimmed: true)),
            ("email", Email),
            ("username", new TextLimit(PartnerRules.MaxUsernameLength, Trimmed: true)),
            ("password", Password),
        ]),
        (LoginRequest.Descriptor, [("username", new TextLimit(64)), ("password", Password)]),
        (RefreshSessionRequest.Descriptor, [("refresh_token", OpaqueToken)]),
        (LogoutRequest.Descriptor, [("refresh_token", OpaqueToken)]),
        (RequestPasswordResetRequest.Descriptor, [("email", Email)]),
        (ResetPasswordRequest.Descriptor, [("reset_token", OpaqueToken), ("new_password", Password)]),
        (ChangePasswordRequest.Descriptor, [("current_password", Password), ("new_password", Password)]),
        (AcceptTermsAndConditionsRequest.Descriptor, [("version", new TextLimit(MaxVersionLength))]),
        (UploadPartnerCertificateRequest.Descriptor, [("certificate_data", Certificate)]),
        (GetPartnerCertificateRequest.Descriptor, [("partner_id", Id)]),
        (ListPartnersRequest.Descriptor, [
            ("page_size", PageSize), ("page_token", PageToken), ("order_by", OrderBy),
            ("organization_contains", Organization),
        ]),
        (GetPartnerRequest.Descriptor, [("partner_id", Id)]),
        (DeactivatePartnerRequest.Descriptor, [("partner_id", Id), ("comment", Comment)]),
        (ActivatePartnerRequest.Descriptor, [("partner_id", Id), ("comment", Comment)]),
        (UpdateOrganizationNameRequest.Descriptor, [("partner_id", Id), ("organization_name", Organization), ("comment", Comment)]),
        // FtmChipService
        (AddFtmChipRequest.Descriptor, [("make", ChipName), ("model", ChipName)]),
        (UploadFtmChipCertificateRequest.Descriptor, [("ftm_chip_id", Id), ("certificate_data", Certificate), ("etag", Etag)]),
        (ApproveFtmChipRequest.Descriptor, [("ftm_chip_id", Id), ("comment", Comment), ("etag", Etag)]),
        (RejectFtmChipRequest.Descriptor, [("ftm_chip_id", Id), ("comment", Comment), ("etag", Etag)]),
        (DeactivateFtmChipRequest.Descriptor, [("ftm_chip_id", Id), ("etag", Etag), ("comment", Comment)]),
        (GetFtmChipRequest.Descriptor, [("ftm_chip_id", Id)]),
        (ListFtmChipsRequest.Descriptor, [
            ("page_size", PageSize), ("page_token", PageToken), ("order_by", OrderBy),
            ("make_contains", ChipName), ("model_contains", ChipName), ("organization_contains", Organization),
            ("partner_id", Id), ("certificate_expiring_within_days", ExpiringWithinDays),
        ]),
        (GetFtmChipCertificateRequest.Descriptor, [("ftm_chip_id", Id)]),
        (WatchFtmChipsRequest.Descriptor, [("partner_id", Id)]));

    /// <summary>
    /// Requests whose RPC reports every bad field in one refusal (a form the portal shows field by field): when the
    /// edge refuses one, it names the fields the RPC's own rules would refuse as well. Those rules only measure and
    /// match text, so they are safe to run on any value.
    /// </summary>
    public static IReadOnlyDictionary<string, Func<IMessage, IReadOnlyList<Errors.FieldViolation>>> FormRules { get; } =
        new Dictionary<string, Func<IMessage, IReadOnlyList<Errors.FieldViolation>>>(StringComparer.Ordinal)
        {
            [RegisterPartnerRequest.Descriptor.FullName] = message =>
            {
                var request = (RegisterPartnerRequest)message;
                return PartnerRegistration.Violations(new PartnerRegistrationForm(
                    request.PartnerType.ToDomain(),
                    request.FirstName.Trim(), request.LastName.Trim(), request.OrganizationName.Trim(), request.Address.Trim(),
                    request.PhoneNumber.Trim(), request.Email.Trim(), request.Username.Trim(), request.Password));
            },
        };

    /// <summary>
    /// The limit of a field, or null for a field that needs none: enums and booleans (bounded by their type; the RPCs
    /// refuse undefined enum values themselves), and fields of messages that are not requests.
    /// </summary>
    public static FieldLimit? For(FieldDescriptor field) => Limits.GetValueOrDefault(field.FullName);

    /// <summary>Whether a field must have a limit: every string, number, bytes and message field of a request.</summary>
    public static bool NeedsLimit(FieldDescriptor field) =>
        field.FieldType is not (FieldType.Enum or FieldType.Bool);

    private static Dictionary<string, FieldLimit> Build(params (MessageDescriptor Message, (string Field, FieldLimit Limit)[] Fields)[] messages)
    {
        var limits = new Dictionary<string, FieldLimit>(StringComparer.Ordinal);
        foreach (var (message, fields) in messages)
        {
            foreach (var (name, limit) in fields)
            {
                var field = message.FindFieldByName(name)
                    ?? throw new InvalidOperationException($"{message.FullName} has no field {name}.");
                limits.Add(field.FullName, limit);
            }
        }
        return limits;
    }
}
