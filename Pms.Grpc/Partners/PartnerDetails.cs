using Pms.Grpc.Data.Entities;

namespace Pms.Grpc.Partners;

/// <summary>A partner as the API shows it: personal data decrypted, with its username and whether it has consented and a certificate.</summary>
public sealed record PartnerDetails(
    Guid Id,
    PartnerType Type,
    PartnerDomain Domain,
    string FirstName,
    string LastName,
    string OrganizationName,
    string Address,
    string PhoneNumber,
    string Email,
    string Username,
    PartnerStatus Status,
    bool ConsentGiven,
    DateTimeOffset? ConsentGivenAt,
    bool CertificateUploaded,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
