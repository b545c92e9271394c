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

    /// <summary>The rule the check broke; fails, naming what was accepted, when it broke none.</summary>
    public static CertificateRuleViolation Violation<T>(Func<Checked<T>> check)
    {
        var outcome = check();
        Assert.False(outcome.IsAccepted, $"Expected a violation but the check accepted: {(outcome.IsAccepted ? outcome.Value : default)}");
        return outcome.Violation;
    }

    /// <summary>The accepted value; fails with the violation's reason and message when the check refused.</summary>
    public static T Accepted<T>(this Checked<T> outcome)
    {
        Assert.True(outcome.IsAccepted, outcome.IsAccepted ? "" : $"Expected acceptance but got {outcome.Violation.Reason}: {outcome.Violation.Message}");
        return outcome.Value;
    }

    public static void AssertViolation(CertificateRuleViolation violation, string reason, string mosipCode)
    {
        Assert.Equal(reason, violation.Reason);
        Assert.Equal(mosipCode, violation.MosipErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(violation.Message));
    }
}
