using Microsoft.Extensions.DependencyInjection;
using Pms.Grpc.Certificates;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.TrustStore;
using Pms.Testing;

namespace Pms.IntegrationTests.Infrastructure;

/// <summary>
/// Puts CA certificates into a domain's trust store as the admin's upload would leave them (a row of
/// <c>ca_certificates</c>), for tests of what builds on the trust store.
/// </summary>
public static class TrustStoreSeed
{
    public static async Task<Guid> AddCaCertificateAsync(this PmsFactory pms, PartnerDomain domain, TestCertificate ca, Guid? issuerId = null)
    {
        using var scope = pms.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
        var certificate = CertificateParser.ParseSingle(ca.Der);
        var row = new CaCertificate
        {
            Id = Guid.CreateVersion7(),
            PartnerDomain = domain,
            Type = ca.Issuer is null ? CaCertificateType.Root : CaCertificateType.Intermediate,
            Subject = certificate.Subject,
            Issuer = certificate.Issuer,
            SerialNumber = certificate.SerialNumberHex,
            NotBefore = certificate.NotBefore,
            NotAfter = certificate.NotAfter,
            ThumbprintSha256 = certificate.ThumbprintSha256,
            IssuerCertificateId = issuerId,
            Der = ca.Der,
            PublicKeyAlgorithm = certificate.Key.Description,
            UploadedAt = pms.Time.GetUtcNow(),
            UploadedBy = PmsFactory.AdminUsername,
        };
        db.CaCertificates.Add(row);
        await db.SaveChangesAsync();
        // As the upload does: the domain's cached snapshot is stale now.
        pms.Services.GetRequiredService<ITrustAnchors>().Invalidate(domain);
        return row.Id;
    }
}
