using Pms.Grpc.Certificates;

namespace Pms.UnitTests.Certificates;

public sealed class CheckedTests
{
    private static readonly CertificateRuleViolation Expired = new(CertificateReasons.Expired, "", "expired");

    [Fact]
    public void AnAcceptedValueIsAcceptedAndARefusalCarriesItsViolation()
    {
        Checked<string> accepted = "leaf";
        Checked<string> refused = Expired;

        Assert.True(accepted.IsAccepted);
        Assert.Equal("leaf", accepted.Value);
        Assert.Null(accepted.Violation);
        Assert.False(refused.IsAccepted);
        Assert.Same(Expired, refused.Violation);
        Assert.Throws<InvalidOperationException>(() => refused.Value);
    }

    [Fact]
    public void ADefaultValueIsNeitherAcceptedNorRefusedButAProgrammingError()
    {
        // Before, default(Checked<T>) had no violation and so read as accepted: a step that forgot to decide let the
        // certificate through.
        var never = default(Checked<string>);

        var error = Assert.Throws<InvalidOperationException>(() => never.IsAccepted);
        Assert.Contains("never decided", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => never.Violation);
        Assert.Throws<InvalidOperationException>(() => never.Value);
        Assert.Throws<InvalidOperationException>(() => never.Then(v => (Checked<int>)v.Length));
    }

    [Fact]
    public void ThenRunsTheNextStepOnlyOnAnAcceptedValue()
    {
        Checked<string> accepted = "leaf";
        Checked<string> refused = Expired;
        var ran = 0;

        var next = accepted.Then(v => { ran++; return (Checked<int>)v.Length; });
        var skipped = refused.Then(v => { ran++; return (Checked<int>)v.Length; });

        Assert.Equal(4, next.Value);
        Assert.Same(Expired, skipped.Violation);
        Assert.Equal(1, ran);
    }
}
