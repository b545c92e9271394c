using System.Diagnostics;
using Pms.Grpc.Certificates;
using Pms.Testing;
using Xunit.Abstractions;
using static Pms.UnitTests.Certificates.CertificateTestHelpers;

namespace Pms.UnitTests.Certificates;

/// <summary>A cached trust store answers VerifyCertificateTrust-style calls cheaply: one signature check per call, little garbage.</summary>
public class TrustStorePerformanceTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(TestKeyType.Rsa2048)]
    [InlineData(TestKeyType.EcP256)]
    public void PathBuildingOnACachedStoreIsFastAndAllocatesLittle(TestKeyType keyType)
    {
        // A store with 50 unrelated roots and intermediates besides the real chain.
        var entries = new List<TrustStoreEntry>();
        for (var i = 0; i < 25; i++)
        {
            var other = TestCertificates.Root($"Other Root {i}", o => o.KeyType = TestKeyType.EcP256);
            entries.Add(other.AsRoot());
            entries.Add(other.Issue($"Other Intermediate {i}", o => o.KeyType = TestKeyType.EcP256).AsIntermediate());
        }

        var root = TestCertificates.Root("Perf Root", o => o.KeyType = keyType);
        var intermediate = root.Issue("Perf Intermediate", o => o.KeyType = keyType);
        entries.Add(root.AsRoot());
        entries.Add(intermediate.AsIntermediate());
        var store = DomainTrustStore.Create("FTM", entries);
        var leaf = intermediate.IssueLeaf("Perf Leaf", o => o.KeyType = keyType).Parsed();
        var now = DateTimeOffset.UtcNow;

        // Uncached cost: the leaf's signature checked on every call.
        const int verifications = 100;
        var verifyWatch = Stopwatch.StartNew();
        var intermediateParsed = entries[^1].Certificate;
        for (var i = 0; i < verifications; i++)
        {
            Assert.True(leaf.IsSignedBy(intermediateParsed));
        }

        verifyWatch.Stop();
        output.WriteLine($"{keyType}: {verifications / verifyWatch.Elapsed.TotalSeconds:0} leaf signature checks/s on one thread");

        Assert.True(store.BuildPath(leaf, now).IsTrusted); // warm up, and the leaf's signature verdict is cached
        const int calls = 2000;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            Assert.True(store.BuildPath(leaf, now).IsTrusted);
        }

        stopwatch.Stop();
        var bytesPerCall = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / calls;
        output.WriteLine($"{keyType}: {calls / stopwatch.Elapsed.TotalSeconds:0} paths/s on one thread (cached store, repeated certificate), {bytesPerCall} bytes allocated per call");

        // Loose bounds: the machine is shared; these catch re-parsing or re-verifying the store per call.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"{calls} calls took {stopwatch.Elapsed}");
        Assert.True(bytesPerCall < 256 * 1024, $"{bytesPerCall} bytes allocated per call");
    }
}
