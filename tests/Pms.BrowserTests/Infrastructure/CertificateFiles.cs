using Pms.Testing;

namespace Pms.BrowserTests.Infrastructure;

/// <summary>
/// A test's certificates as files to set on the portal's file inputs: a root and an intermediate CA of the FTM domain
/// (EC P-256), and leaves issued by the intermediate for an organisation.
/// </summary>
public sealed class CertificateFiles : IDisposable
{
    private readonly string _directory = TestFolders.Create("pms-browser-certs");

    public CertificateFiles(string label)
    {
        Root = TestCertificates.Root($"{label} FTM Root CA", o =>
        {
            o.KeyType = TestKeyType.EcP256;
            o.Organization = "PMS Browser Test CA";
        });
        Intermediate = Root.Issue($"{label} FTM Issuing CA", o => o.KeyType = TestKeyType.EcP256);
    }

    public TestCertificate Root { get; }

    public TestCertificate Intermediate { get; }

    /// <summary>An end-entity certificate (a partner's or a chip's) issued by the intermediate.</summary>
    public TestCertificate Leaf(string commonName, string organization) =>
        Intermediate.IssueLeaf(commonName, o =>
        {
            o.KeyType = TestKeyType.EcP256;
            o.Organization = organization;
        });

    /// <summary>Writes a certificate as PEM under <paramref name="fileName"/> and returns the path.</summary>
    public string Write(string fileName, TestCertificate certificate)
    {
        var path = Path.Combine(_directory, fileName);
        File.WriteAllText(path, certificate.Pem);
        return path;
    }

    public void Dispose()
    {
        TestFolders.Delete(_directory);
    }
}
