using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Pms.Benchmarks;

/// <summary>
/// The benchmark's certificates, made with the platform's X.509 and RSA (OpenSSL): thousands of leaves are needed
/// in seconds. A partner CA chain (root → intermediate, RSA 2048, as MOSIP partners' CAs usually are) and leaves
/// issued by the intermediate, all sharing one leaf key (the server never sees private keys anyway).
/// </summary>
public sealed class BenchmarkCertificates : IDisposable
{
    private readonly RSA _rootKey = RSA.Create(2048);
    private readonly RSA _intermediateKey = RSA.Create(2048);
    private readonly RSA _leafKey = RSA.Create(2048);
    private readonly X509Certificate2 _root;
    private readonly X509Certificate2 _intermediate;
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow.AddMinutes(-5);

    public BenchmarkCertificates()
    {
        _root = CaRequest("Bench Partner Root CA", _rootKey)
            .CreateSelfSigned(_now, _now.AddYears(10));
        var intermediateRequest = CaRequest("Bench Partner Sub CA", _intermediateKey);
        intermediateRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_root, true, false));
        _intermediate = intermediateRequest.Create(_root, _now, _now.AddYears(9), Serial());
    }

    /// <summary>Root then intermediate, PEM: what the admin uploads to the FTM trust store.</summary>
    public string CaBundlePem => _root.ExportCertificatePem() + "\n" + _intermediate.ExportCertificatePem() + "\n";

    /// <summary>A leaf issued by the intermediate, PEM, valid two years (partner certificates need 335 days left).</summary>
    public byte[] Leaf(string commonName, string organization)
    {
        var name = new X500DistinguishedNameBuilder();
        name.AddOrganizationName(organization);
        name.AddCommonName(commonName);
        var request = new CertificateRequest(name.Build(), _leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_intermediate, true, false));
        var signer = X509SignatureGenerator.CreateForRSA(_intermediateKey, RSASignaturePadding.Pkcs1);
        var der = request.Create(_intermediate.SubjectName, signer, _now, _now.AddYears(2), Serial()).RawData;
        return Encoding.ASCII.GetBytes(PemEncoding.WriteString("CERTIFICATE", der) + "\n");
    }

    private static CertificateRequest CaRequest(string commonName, RSA key)
    {
        var name = new X500DistinguishedNameBuilder();
        name.AddOrganizationName("PMS Bench");
        name.AddCommonName(commonName);
        var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    private static byte[] Serial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        serial[0] |= 0x01;
        return serial;
    }

    public void Dispose()
    {
        _root.Dispose();
        _intermediate.Dispose();
        _rootKey.Dispose();
        _intermediateKey.Dispose();
        _leafKey.Dispose();
    }
}
