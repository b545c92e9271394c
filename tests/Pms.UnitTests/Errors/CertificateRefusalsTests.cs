using Grpc.Core;
using Pms.Grpc.Certificates;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.TrustStore;

namespace Pms.UnitTests.Errors;

/// <summary>The one conversion of a certificate violation into what a gRPC client reads (status, ErrorInfo, BadRequest).</summary>
public class CertificateRefusalsTests
{
    [Fact]
    public void PathFailureKeepsItsStatusCodeAndCause()
    {
        var violation = new CertificateRuleViolation(CertificateReasons.RootCaNotFound, MosipErrorCodes.RootCaNotFound,
            "CA certificate 'CN=Sub' has no issuer 'CN=Root' in the FTM trust store.", CertificateViolationKind.FailedPrecondition)
        {
            Cause = CertificateReasons.IssuerNotTrusted,
        };

        var status = ExceptionMappingInterceptor.ToStatus(CertificateRefusals.ToRefusal(violation));

        Assert.Equal((int)StatusCode.FailedPrecondition, status.Code);
        Assert.Equal(violation.Message, status.Message);
        var info = status.Details.Select(d => d.TryUnpack<Google.Rpc.ErrorInfo>(out var i) ? i : null).Single(i => i is not null)!;
        Assert.Equal(("ROOT_CA_NOT_FOUND", "KER-PCM-005", "ISSUER_NOT_TRUSTED"), (info.Reason, info.Metadata["mosip_error_code"], info.Metadata["cause"]));
        Assert.DoesNotContain(status.Details, d => d.Is(Google.Rpc.BadRequest.Descriptor));
    }

    [Fact]
    public void DuplicateIsAlreadyExists()
    {
        var violation = new CertificateRuleViolation(CertificateReasons.AlreadyExists, MosipErrorCodes.CertificateExists, "already stored",
            CertificateViolationKind.AlreadyExists);

        var refusal = CertificateRefusals.ToRefusal(violation);

        Assert.Equal((StatusCode.AlreadyExists, "CERTIFICATE_ALREADY_EXISTS", "KER-PCM-003"), (refusal.StatusCode, refusal.Reason, refusal.MosipErrorCode));
    }

    [Fact]
    public void RequestFieldViolationsBecomeBadRequestFields()
    {
        var missingDomain = Assert.Throws<PmsException>(() => CertificateInput.CheckDomain((PartnerDomain)99).OrRefuse());
        var tooLarge = Assert.Throws<PmsException>(() => CertificateInput.CheckSize(CertificateParser.MaxCertificateDataBytes + 1).OrRefuse());

        Assert.Equal((StatusCode.InvalidArgument, "VALIDATION_FAILED", "KER-PCM-011", "partner_domain"),
            (missingDomain.StatusCode, missingDomain.Reason, missingDomain.MosipErrorCode, Assert.Single(missingDomain.FieldViolations).Field));
        Assert.Equal((StatusCode.InvalidArgument, "CERTIFICATE_DATA_TOO_LARGE", null, "certificate_data"),
            (tooLarge.StatusCode, tooLarge.Reason, tooLarge.MosipErrorCode, Assert.Single(tooLarge.FieldViolations).Field));
        Assert.Null(CertificateInput.CheckSize(CertificateParser.MaxCertificateDataBytes));
    }
}
