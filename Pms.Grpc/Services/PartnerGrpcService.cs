using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Mosip.Pms.V1;
using Pms.Grpc.Auditing;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;
using Pms.Grpc.Infrastructure;
using Pms.Grpc.Partners;
using Pms.Grpc.Services.Messages;
using Entities = Pms.Grpc.Data.Entities;

namespace Pms.Grpc.Services;

/// <summary>gRPC adapter for <c>mosip.pms.v1.PartnerService</c>: maps messages to domain calls and back.</summary>
public sealed class PartnerGrpcService(
    SessionService sessions,
    PartnerRegistration registration,
    TermsAndConditions terms,
    PasswordManagement passwords,
    PartnerDirectory directory,
    PartnerAccess access,
    PartnerAdministration administration,
    PartnerQueries queries,
    PartnerCertificates certificates,
    RefusedUploads refusedUploads) : PartnerService.PartnerServiceBase
{
    [AllowAnonymous]
    [EnableRateLimiting(RateLimitPolicies.SignIn)]
    public override async Task<LoginResponse> Login(LoginRequest request, ServerCallContext context)
    {
        return new LoginResponse().WithSession(await sessions.LoginAsync(request.Username, request.Password, context.CancellationToken));
    }

    [AllowAnonymous]
    [EnableRateLimiting(RateLimitPolicies.Session)]
    public override async Task<RefreshSessionResponse> RefreshSession(RefreshSessionRequest request, ServerCallContext context)
    {
        return new RefreshSessionResponse().WithSession(await sessions.RefreshAsync(request.RefreshToken, context.CancellationToken));
    }

    // The refresh token is the credential here: an expired access token must not stop a sign-out.
    [AllowAnonymous]
    [EnableRateLimiting(RateLimitPolicies.Session)]
    public override async Task<Empty> Logout(LogoutRequest request, ServerCallContext context)
    {
        await sessions.LogoutAsync(request.RefreshToken, context.CancellationToken);
        return new Empty();
    }

    [AllowAnonymous]
    [EnableRateLimiting(RateLimitPolicies.Registration)]
    public override async Task<Partner> RegisterPartner(RegisterPartnerRequest request, ServerCallContext context)
    {
        var form = new PartnerRegistrationForm(
            request.PartnerType.ToDomain().IfDefined(),
            request.FirstName,
            request.LastName,
            request.OrganizationName,
            request.Address,
            request.PhoneNumber,
            request.Email,
            request.Username,
            request.Password);
        return ToMessage(await registration.RegisterAsync(form, context.CancellationToken));
    }

    [AllowAnonymous]
    [EnableRateLimiting(RateLimitPolicies.PasswordReset)]
    public override async Task<Empty> RequestPasswordReset(RequestPasswordResetRequest request, ServerCallContext context)
    {
        await passwords.RequestResetAsync(request.Email, context.CancellationToken);
        return new Empty();
    }

    [AllowAnonymous]
    [EnableRateLimiting(RateLimitPolicies.PasswordReset)]
    public override async Task<Empty> ResetPassword(ResetPasswordRequest request, ServerCallContext context)
    {
        await passwords.ResetAsync(request.ResetToken, request.NewPassword, context.CancellationToken);
        return new Empty();
    }

    [Authorize]
    public override async Task<Empty> ChangePassword(ChangePasswordRequest request, ServerCallContext context)
    {
        await passwords.ChangeAsync(context.GetCurrentUser(), request.CurrentPassword, request.NewPassword, context.CancellationToken);
        return new Empty();
    }

    [Authorize]
    public override async Task<GetTermsAndConditionsResponse> GetTermsAndConditions(GetTermsAndConditionsRequest request, ServerCallContext context)
    {
        var view = await terms.GetAsync(context.GetCurrentUser(), context.CancellationToken);
        return new GetTermsAndConditionsResponse
        {
            Version = view.Version,
            Text = view.Text,
            ConsentGiven = view.ConsentGiven,
            ConsentGivenAt = ToTimestamp(view.ConsentGivenAt),
        };
    }

    [Authorize(Roles = Roles.AnyPartner)]
    public override async Task<AcceptTermsAndConditionsResponse> AcceptTermsAndConditions(AcceptTermsAndConditionsRequest request, ServerCallContext context)
    {
        var consent = await terms.AcceptAsync(context.GetCurrentUser(), request.Version, context.CancellationToken);
        return new AcceptTermsAndConditionsResponse
        {
            ConsentGiven = consent.ConsentGiven,
            ConsentGivenAt = Timestamp.FromDateTimeOffset(consent.ConsentGivenAt),
            Version = consent.Version,
        };
    }

    [Authorize(Roles = Roles.AnyPartner)]
    public override async Task<Partner> GetCurrentPartner(GetCurrentPartnerRequest request, ServerCallContext context)
    {
        var partner = await access.RequirePartnerAsync(context.GetCurrentUser(), context.CancellationToken);
        return ToMessage(await directory.DescribeAsync(partner, context.CancellationToken));
    }

    [Authorize(Roles = Roles.AnyPartner)]
    [EnableRateLimiting(RateLimitPolicies.CertificateUpload)]
    public override async Task<Mosip.Pms.V1.PartnerCertificate> UploadPartnerCertificate(UploadPartnerCertificateRequest request, ServerCallContext context)
    {
        var caller = context.GetCurrentUser();
        return ToMessage(await refusedUploads.AuditRefusalAsync(caller, "PARTNER_CERTIFICATE_REFUSED", "partner", caller.PartnerId?.ToString() ?? "",
            () => certificates.UploadAsync(caller, request.CertificateData.Memory, context.CancellationToken), context.CancellationToken));
    }

    [Authorize(Roles = Roles.AnyPartnerOrAdmin)]
    public override async Task<Mosip.Pms.V1.PartnerCertificate> GetPartnerCertificate(GetPartnerCertificateRequest request, ServerCallContext context) =>
        ToMessage(await certificates.GetAsync(context.GetCurrentUser(), request.PartnerId, context.CancellationToken));

    [Authorize(Roles = Roles.PartnerAdmin)]
    public override async Task<ListPartnersResponse> ListPartners(ListPartnersRequest request, ServerCallContext context)
    {
        var unknown = new List<FieldViolation>();
        if (!System.Enum.IsDefined(request.PartnerType))
        {
            unknown.Add(new("partner_type", "partner_type is not a known partner type."));
        }
        if (!System.Enum.IsDefined(request.Status))
        {
            unknown.Add(new("status", "status is not a known partner status."));
        }
        if (unknown.Count > 0)
        {
            throw PmsErrors.InvalidFields(unknown);
        }
        var page = await queries.ListAsync(new PartnerListQuery(
            request.PageSize,
            request.PageToken,
            request.OrderBy,
            request.PartnerType.ToDomain().IfDefined(),
            request.Status.ToDomain().IfDefined(),
            request.OrganizationContains), context.CancellationToken);
        return new ListPartnersResponse
        {
            Partners = { page.Partners.Select(ToMessage) },
            NextPageToken = page.NextPageToken,
            TotalSize = page.TotalSize,
        };
    }

    [Authorize(Roles = Roles.PartnerAdmin)]
    public override async Task<Partner> GetPartner(GetPartnerRequest request, ServerCallContext context) =>
        ToMessage(await administration.GetAsync(request.PartnerId, context.CancellationToken));

    [Authorize(Roles = Roles.PartnerAdmin)]
    public override async Task<Partner> DeactivatePartner(DeactivatePartnerRequest request, ServerCallContext context) =>
        ToMessage(await administration.DeactivateAsync(context.GetCurrentUser(), request.PartnerId, request.Comment, context.CancellationToken));

    [Authorize(Roles = Roles.PartnerAdmin)]
    public override async Task<Partner> ActivatePartner(ActivatePartnerRequest request, ServerCallContext context) =>
        ToMessage(await administration.ActivateAsync(context.GetCurrentUser(), request.PartnerId, request.Comment, context.CancellationToken));

    [Authorize(Roles = Roles.PartnerAdmin)]
    public override async Task<Partner> UpdateOrganizationName(UpdateOrganizationNameRequest request, ServerCallContext context) =>
        ToMessage(await administration.UpdateOrganizationNameAsync(context.GetCurrentUser(), request.PartnerId,
            request.OrganizationName, request.Comment, context.CancellationToken));

    private static Partner ToMessage(PartnerDetails p) => new()
    {
        PartnerId = p.Id.ToString(),
        PartnerType = p.Type.ToApi(),
        PartnerDomain = p.Domain.ToApi(),
        FirstName = p.FirstName,
        LastName = p.LastName,
        OrganizationName = p.OrganizationName,
        Address = p.Address,
        PhoneNumber = p.PhoneNumber,
        Email = p.Email,
        Username = p.Username,
        Status = p.Status.ToApi(),
        ConsentGiven = p.ConsentGiven,
        ConsentGivenAt = ToTimestamp(p.ConsentGivenAt),
        CertificateUploaded = p.CertificateUploaded,
        CreatedAt = Timestamp.FromDateTimeOffset(p.CreatedAt),
        UpdatedAt = Timestamp.FromDateTimeOffset(p.UpdatedAt),
    };

    private static Mosip.Pms.V1.PartnerCertificate ToMessage(PartnerCertificateView c) =>
        new Mosip.Pms.V1.PartnerCertificate { CertificateId = c.Id.ToString(), PartnerId = c.PartnerId.ToString() }.WithPair(c.Pair);

    private static Timestamp? ToTimestamp(DateTimeOffset? value) => value is { } v ? Timestamp.FromDateTimeOffset(v) : null;
}
