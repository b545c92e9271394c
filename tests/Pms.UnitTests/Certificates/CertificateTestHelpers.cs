using Microsoft.Extensions.Time.Testing;
using Pms.Grpc.Certificates;
using Pms.Testing;

namespace Pms.UnitTests.Certificates;

internal static class CertificateTestHelpers
{
    public static ParsedCertificate Parsed(this TestCertificate certificate) => CertificateParser.ParseSingle(certificate.Der);

    public static TrustStoreEntry AsRoot(this TestCertificate certificate) =>
        new(Guid.NewGuid(), certificate.Parsed(), CaCertificateKind.Root);

    public static TrustStoreEntry AsIntermediate(this TestCertificate certificate) =>
        new(Guid.NewGuid(), certificate.Parsed(), CaCertificateKind.Intermediate);

    public static DomainTrustStore Store(params TrustStoreEntry[] entries) => DomainTrustStore.Create("FTM", entries);

    /// <summary>A clock at the real current time, so the generator's default validity windows hold.</summary>
    public static FakeTimeProvider Clock() => new(DateTimeOffset.UtcNow);

    public static CertificateRuleViolation Violation(Action action) =>
        Assert.Throws<CertificateValidationException>(action).Violation;

    public static CertificateRuleViolation Violation<T>(Func<T> action) =>
        Assert.Throws<CertificateValidationException>(() => action()).Violation;

    public static void AssertViolation(CertificateRuleViolation violation, string reason, string mosipCode)
    {
        Assert.Equal(reason, violation.Reason);
        Assert.Equal(mosipCode, violation.MosipErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(violation.Message));
    }
}
