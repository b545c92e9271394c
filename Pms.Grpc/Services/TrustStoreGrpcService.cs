using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Mosip.Pms.V1;
using Pms.Grpc.Identity;
using Pms.Grpc.Infrastructure;
using Pms.Grpc.TrustStore;
using Entities = Pms.Grpc.Data.Entities;

namespace Pms.Grpc.Services;

/// <summary>gRPC adapter for <c>mosip.pms.v1.TrustStoreService</c>: maps messages to the trust store and back.</summary>
public sealed class TrustStoreGrpcService(
    CaCertificateUploads uploads,
    CaCertificateQueries queries,
    TrustVerifier verifier,
    IMosipSigner signer,
    TimeProvider time) : TrustStoreService.TrustStoreServiceBase
{
    [Authorize(Roles = Roles.PartnerAdmin)]
    [EnableRateLimiting(RateLimitPolicies.CertificateUpload)]
    public override async Task<UploadCaCertificateResponse> UploadCaCertificate(UploadCaCertificateRequest request, ServerCallContext context)
    {
        var result = await uploads.UploadAsync(
            request.PartnerDomain.ToDomain(), request.CertificateData.Memory, context.GetCurrentUser(), context.CancellationToken);
        var now = time.GetUtcNow();
        return new UploadCaCertificateResponse
        {
            Certificates = { result.Stored.Select(c => ToMessage(c, now)) },
            Failures =
            {
                result.Failures.Select(f => new Mosip.Pms.V1.BundleEntryFailure
                {
                    Index = f.Index,
                    Subject = f.Subject ?? "",
                    Reason = f.Reason,
                    MosipErrorCode = f.MosipErrorCode,
                    Message = f.Message,
                }),
            },
        };
    }

    [Authorize(Roles = Roles.AdminOrService)]
    public override async Task<ListCaCertificatesResponse> ListCaCertificates(ListCaCertificatesRequest request, ServerCallContext context)
    {
        var page = await queries.ListAsync(new CaCertificateQuery(
            request.PageSize,
            request.PageToken,
            request.OrderBy,
            request.PartnerDomain.ToDomain(),
            request.Type.ToDomain(),
            request.SubjectContains,
            request.ExpiringWithinDays), context.CancellationToken);
        var now = time.GetUtcNow();
        return new ListCaCertificatesResponse
        {
            CaCertificates = { page.Certificates.Select(c => ToMessage(c, now)) },
            NextPageToken = page.NextPageToken,
            TotalSize = page.TotalSize,
        };
    }

    [Authorize(Roles = Roles.AdminOrService)]
    public override async Task<Mosip.Pms.V1.CaCertificate> GetCaCertificate(GetCaCertificateRequest request, ServerCallContext context)
    {
        var certificate = await queries.GetAsync(request.CertificateId, context.CancellationToken);
        return ToMessage(certificate, time.GetUtcNow());
    }

    [Authorize(Roles = Roles.AdminOrService)]
    public override async Task<DownloadCaCertificateResponse> DownloadCaCertificate(DownloadCaCertificateRequest request, ServerCallContext context)
    {
        var download = await queries.DownloadAsync(request.CertificateId, context.CancellationToken);
        return new DownloadCaCertificateResponse
        {
            CertificatePem = download.CertificatePem,
            TrustPathPem = download.TrustPathPem,
        };
    }

    [Authorize(Roles = Roles.AdminOrService)]
    public override async Task<VerifyCertificateTrustResponse> VerifyCertificateTrust(VerifyCertificateTrustRequest request, ServerCallContext context)
    {
        var verdict = await verifier.VerifyAsync(
            request.PartnerDomain.ToDomain(),
            request.CertificateData.Memory,
            request.ValidationTime?.ToDateTimeOffset(),
            context.CancellationToken);
        var response = new VerifyCertificateTrustResponse
        {
            Trusted = verdict.Trusted,
            Reason = verdict.Reason,
            ReasonCode = verdict.ReasonCode,
            MosipErrorCode = verdict.MosipErrorCode,
        };
        foreach (var id in verdict.Chain)
        {
            response.Chain.Add(id.ToString());
        }

        return response;
    }

    [Authorize(Roles = Roles.AdminOrService)]
    public override Task<GetSigningCertificateResponse> GetSigningCertificate(GetSigningCertificateRequest request, ServerCallContext context)
    {
        var certificate = signer.Authority.Certificate;
        return Task.FromResult(new GetSigningCertificateResponse
        {
            CertificatePem = certificate.ToPem(),
            Subject = certificate.Subject,
            NotBefore = Timestamp.FromDateTimeOffset(certificate.NotBefore),
            NotAfter = Timestamp.FromDateTimeOffset(certificate.NotAfter),
            ThumbprintSha256 = certificate.ThumbprintSha256,
        });
    }

    // UNSPECIFIED means "not given"; the domain layer refuses it where a domain is required.
    private static Mosip.Pms.V1.CaCertificate ToMessage(Entities.CaCertificate c, DateTimeOffset now) => new()
    {
        CertificateId = c.Id.ToString(),
        PartnerDomain = c.PartnerDomain.ToApi(),
        Type = c.Type.ToApi(),
        Subject = c.Subject,
        Issuer = c.Issuer,
        SerialNumber = c.SerialNumber,
        NotBefore = Timestamp.FromDateTimeOffset(c.NotBefore),
        NotAfter = Timestamp.FromDateTimeOffset(c.NotAfter),
        ThumbprintSha256 = c.ThumbprintSha256,
        IssuerCertificateId = c.IssuerCertificateId?.ToString() ?? "",
        UploadedAt = Timestamp.FromDateTimeOffset(c.UploadedAt),
        UploadedBy = c.UploadedBy,
        Expired = now > c.NotAfter,
        PublicKeyAlgorithm = c.PublicKeyAlgorithm,
    };
}
