using System.Diagnostics;
using Pms.Grpc.Certificates;
using Pms.Testing;
using static Pms.UnitTests.Certificates.CertificateTestHelpers;

namespace Pms.UnitTests.Certificates;

/// <summary>
/// The engine's verdict on a chain must be OpenSSL's: <c>openssl verify -x509_strict -CAfile root.pem
/// -untrusted inter.pem leaf.pem</c> exits 0 exactly when <see cref="DomainTrustStore.BuildPath"/> says trusted.
/// </summary>
public class OpenSslAgreementTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private sealed record Chain(TestCertificate TrustedRoot, TestCertificate[] Intermediates, TestCertificate Leaf, bool ExpectTrusted);

    public static TheoryData<string> Scenarios() =>
    [
        "good RSA chain",
        "good P-384 chain",
        "good Ed25519 chain",
        "good chain with two intermediates",
        "good chain, pathLen 0 intermediate",
        "expired intermediate",
        "wrong root",
        "pathLen violation",
        "root pathLen violation",
        "non-CA intermediate",
        "intermediate without basicConstraints",
        "missing keyCertSign",
        "missing intermediate",
        "leaf signature broken",
        "expired leaf",
        "future leaf",
        "expired root",
    ];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void EngineAgreesWithOpenSslVerify(string scenario)
    {
        var chain = Build(scenario);

        var engine = Store(chain.TrustedRoot.AsRoot())
            .BuildPath(chain.Leaf.Parsed(), [.. chain.Intermediates.Select(i => i.Parsed())], Now);
        var (openSslTrusted, output) = OpenSslVerify(chain);

        Assert.True(openSslTrusted == engine.IsTrusted, $"{scenario}: openssl says {(openSslTrusted ? "trusted" : "untrusted")} ({output.Trim()}), engine says {engine.Reason}");
        Assert.True(chain.ExpectTrusted == engine.IsTrusted, $"{scenario}: expected {(chain.ExpectTrusted ? "trusted" : "untrusted")}, engine says {engine.Reason}");
    }

    // EC P-256 unless the scenario is about RSA: generating RSA keys dominates the run time.
    private static Action<CertificateOptions> Ec(Action<CertificateOptions>? configure = null) =>
        o => { o.KeyType = TestKeyType.EcP256; configure?.Invoke(o); };

    private static Chain Build(string scenario)
    {
        if (scenario == "good RSA chain")
        {
            var rsaRoot = TestCertificates.Root("RSA Root", o => o.KeyType = TestKeyType.Rsa2048);
            var rsaInter = rsaRoot.Issue("RSA Intermediate", o => o.KeyType = TestKeyType.Rsa2048);
            return new(rsaRoot, [rsaInter], rsaInter.IssueLeaf("RSA Leaf", o => o.KeyType = TestKeyType.Rsa2048), true);
        }

        var root = TestCertificates.Root("Agreement Root", Ec(o => o.Organization = "OpenSSL Check"));
        switch (scenario)
        {
            case "good P-384 chain":
                {
                    var ecRoot = TestCertificates.Root("EC Root", Ec(o => o.KeyType = TestKeyType.EcP384));
                    var inter = ecRoot.Issue("EC Intermediate", Ec(o => o.KeyType = TestKeyType.EcP384));
                    return new(ecRoot, [inter], inter.IssueLeaf("EC Leaf", Ec(o => o.KeyType = TestKeyType.EcP256)), true);
                }

            case "good Ed25519 chain":
                {
                    var edRoot = TestCertificates.Root("Ed Root", Ec(o => o.KeyType = TestKeyType.Ed25519));
                    var inter = edRoot.Issue("Ed Intermediate", Ec(o => o.KeyType = TestKeyType.Ed25519));
                    return new(edRoot, [inter], inter.IssueLeaf("Ed Leaf", Ec(o => o.KeyType = TestKeyType.Ed25519)), true);
                }

            case "good chain with two intermediates":
                {
                    var first = root.Issue("First", Ec());
                    var second = first.Issue("Second", Ec());
                    return new(root, [second, first], second.IssueLeaf("Leaf", Ec()), true);
                }

            case "good chain, pathLen 0 intermediate":
                {
                    var inter = root.Issue("Constrained", Ec(o => o.PathLength = 0));
                    return new(root, [inter], inter.IssueLeaf("Leaf", Ec()), true);
                }

            case "expired intermediate":
                {
                    var inter = root.Issue("Expired Intermediate", Ec(o => { o.NotBefore = Now.AddYears(-3); o.NotAfter = Now.AddDays(-1); }));
                    return new(root, [inter], inter.IssueLeaf("Leaf", Ec(o => o.NotBefore = Now.AddYears(-2))), false);
                }

            case "wrong root":
                {
                    var otherRoot = TestCertificates.Root("Other Root", Ec());
                    var inter = root.Issue("Intermediate", Ec());
                    return new(otherRoot, [inter], inter.IssueLeaf("Leaf", Ec()), false);
                }

            case "pathLen violation":
                {
                    var constrained = root.Issue("Constrained", Ec(o => o.PathLength = 0));
                    var below = constrained.Issue("Below", Ec());
                    return new(root, [constrained, below], below.IssueLeaf("Leaf", Ec()), false);
                }

            case "root pathLen violation":
                {
                    var strictRoot = TestCertificates.Root("Strict Root", Ec(o => o.PathLength = 0));
                    var inter = strictRoot.Issue("Intermediate", Ec());
                    return new(strictRoot, [inter], inter.IssueLeaf("Leaf", Ec()), false);
                }

            case "non-CA intermediate":
                {
                    var inter = root.Issue("Not A CA", Ec(o => o.IsCa = false));
                    return new(root, [inter], inter.IssueLeaf("Leaf", Ec()), false);
                }

            case "intermediate without basicConstraints":
                {
                    var inter = root.Issue("No Basic Constraints", Ec(o => o.OmitBasicConstraints = true));
                    return new(root, [inter], inter.IssueLeaf("Leaf", Ec()), false);
                }

            case "missing keyCertSign":
                {
                    var inter = root.Issue("No KeyCertSign", Ec(o => o.WithoutKeyCertSign = true));
                    return new(root, [inter], inter.IssueLeaf("Leaf", Ec()), false);
                }

            case "missing intermediate":
                {
                    var inter = root.Issue("Intermediate", Ec());
                    return new(root, [], inter.IssueLeaf("Leaf", Ec()), false);
                }

            case "leaf signature broken":
                {
                    var inter = root.Issue("Intermediate", Ec());
                    return new(root, [inter], inter.IssueLeaf("Forged Leaf", Ec(o => o.BreakSignature = true)), false);
                }

            case "expired leaf":
                {
                    var inter = root.Issue("Intermediate", Ec());
                    return new(root, [inter], inter.IssueLeaf("Leaf", Ec(o => { o.NotBefore = Now.AddYears(-1); o.NotAfter = Now.AddDays(-1); })), false);
                }

            case "future leaf":
                {
                    var inter = root.Issue("Intermediate", Ec());
                    return new(root, [inter], inter.IssueLeaf("Leaf", Ec(o => o.NotBefore = Now.AddDays(1))), false);
                }

            case "expired root":
                {
                    var oldRoot = TestCertificates.Root("Old Root", Ec(o => { o.NotBefore = Now.AddYears(-5); o.NotAfter = Now.AddDays(-1); }));
                    var inter = oldRoot.Issue("Intermediate", Ec(o => o.NotBefore = Now.AddYears(-2)));
                    return new(oldRoot, [inter], inter.IssueLeaf("Leaf", Ec(o => o.NotBefore = Now.AddYears(-1))), false);
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null);
        }
    }

    [Theory]
    [InlineData("DER")]
    [InlineData("PEM")]
    public void ParserReadsPkcs7WrittenByOpenSsl(string format)
    {
        var root = TestCertificates.Root("P7 Root", Ec());
        var leaf = root.IssueLeaf("P7 Leaf", Ec());
        var directory = new DirectoryInfo(TestFolders.Create("pms-openssl"));
        try
        {
            var bundlePath = Path.Combine(directory.FullName, "bundle.pem");
            var outputPath = Path.Combine(directory.FullName, "bundle.p7b");
            File.WriteAllText(bundlePath, TestCertificates.BundlePem(leaf, root));

            var (exitCode, output) = RunOpenSsl("crl2pkcs7", "-nocrl", "-certfile", bundlePath, "-outform", format, "-out", outputPath);
            Assert.True(exitCode == 0, output);

            var parsed = CertificateParser.Parse(File.ReadAllBytes(outputPath)).Accepted();
            Assert.Equal(
                new[] { leaf, root }.Select(c => Convert.ToHexString(c.Der)).Order(),
                parsed.Select(p => Convert.ToHexString(p.Der.Span)).Order());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static (bool Trusted, string Output) OpenSslVerify(Chain chain)
    {
        var directory = new DirectoryInfo(TestFolders.Create("pms-openssl"));
        try
        {
            var rootPath = Path.Combine(directory.FullName, "root.pem");
            var interPath = Path.Combine(directory.FullName, "inter.pem");
            var leafPath = Path.Combine(directory.FullName, "leaf.pem");
            File.WriteAllText(rootPath, chain.TrustedRoot.Pem);
            File.WriteAllText(leafPath, chain.Leaf.Pem);

            var arguments = new List<string> { "verify", "-x509_strict", "-attime", Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), "-CAfile", rootPath };
            if (chain.Intermediates.Length > 0)
            {
                File.WriteAllText(interPath, TestCertificates.BundlePem(chain.Intermediates));
                arguments.Add("-untrusted");
                arguments.Add(interPath);
            }

            arguments.Add(leafPath);
            var (exitCode, output) = RunOpenSsl([.. arguments]);
            return (exitCode == 0, output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static (int ExitCode, string Output) RunOpenSsl(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill();
            throw new TimeoutException($"openssl {arguments[0]} did not finish in 30 s");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
