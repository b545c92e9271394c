using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mosip.Pms.V1;
using Org.BouncyCastle.Asn1.X509;
using Pms.IntegrationTests.Infrastructure;
using Pms.Testing;

namespace Pms.IntegrationTests.TrustStore;

/// <summary>UploadCaCertificate, Get/DownloadCaCertificate and VerifyCertificateTrust over gRPC against PostgreSQL, as the bootstrap admin.</summary>
public sealed class TrustStoreUploadTests(PmsFactory pms) : IClassFixture<PmsFactory>
{
    [Fact]
    public async Task RootThenIntermediateAreStoredDownloadedAndTrusted()
    {
        var calls = await TrustStoreCalls.AsAdminAsync(pms);
        var root = Ca.Root("FTM Root", o => o.Organization = "Acme");
        var intermediate = root.Intermediate("FTM Sub CA", o => o.PathLength = 0);
        var leaf = intermediate.Leaf("chip-1");

        var storedRoot = await calls.UploadOneAsync(PartnerDomain.Ftm, root);
        Assert.Equal(CaCertificateType.Root, storedRoot.Type);
        Assert.Equal(PartnerDomain.Ftm, storedRoot.PartnerDomain);
        Assert.Equal(storedRoot.Subject, storedRoot.Issuer);
        Assert.Contains("O=Acme", storedRoot.Subject);
        Assert.Equal("", storedRoot.IssuerCertificateId);
        Assert.Equal(PmsFactory.AdminUsername, storedRoot.UploadedBy);
        Assert.Equal("EC P-256", storedRoot.PublicKeyAlgorithm);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(root.Der)), storedRoot.ThumbprintSha256);
        Assert.Equal(root.Certificate.SerialNumber.ToString(16), storedRoot.SerialNumber.TrimStart('0'));
        Assert.False(storedRoot.Expired);

        // The intermediate arrives as DER (.cer).
        var stored = await calls.UploadAsync(PartnerDomain.Ftm, ByteString.CopyFrom(intermediate.Der));
        var storedIntermediate = Assert.Single(stored.Certificates);
        Assert.Empty(stored.Failures);
        Assert.Equal(CaCertificateType.Intermediate, storedIntermediate.Type);
        Assert.Equal(storedRoot.CertificateId, storedIntermediate.IssuerCertificateId);
        Assert.Equal(storedRoot.Subject, storedIntermediate.Issuer);

        var got = await calls.Client.GetCaCertificateAsync(new GetCaCertificateRequest { CertificateId = storedIntermediate.CertificateId }, calls.Auth);
        Assert.Equal(storedIntermediate, got);

        var download = await calls.Client.DownloadCaCertificateAsync(new DownloadCaCertificateRequest { CertificateId = storedIntermediate.CertificateId }, calls.Auth);
        Assert.Equal(intermediate.Pem, download.CertificatePem);
        Assert.Equal(intermediate.Pem + root.Pem, download.TrustPathPem);
        var rootDownload = await calls.Client.DownloadCaCertificateAsync(new DownloadCaCertificateRequest { CertificateId = storedRoot.CertificateId }, calls.Auth);
        Assert.Equal(root.Pem, rootDownload.TrustPathPem);

        // A leaf of the chain is trusted at once on this replica: the upload invalidated the cached trust store.
        var trusted = await calls.VerifyAsync(PartnerDomain.Ftm, leaf.PemData());
        Assert.True(trusted.Trusted, trusted.Reason);
        Assert.Equal(new[] { storedIntermediate.CertificateId, storedRoot.CertificateId }, trusted.Chain);
        Assert.Equal("", trusted.ReasonCode);
        Assert.Equal("", trusted.MosipErrorCode);
        Assert.Contains("Trusted", trusted.Reason);

        // A stored ROOT is trusted as itself.
        var rootItself = await calls.VerifyAsync(PartnerDomain.Ftm, root.PemData());
        Assert.True(rootItself.Trusted);
        Assert.Equal(new[] { storedRoot.CertificateId }, rootItself.Chain);

        // Same leaf, at a time after it expired: an answer, not an error.
        var later = await calls.Client.VerifyCertificateTrustAsync(new VerifyCertificateTrustRequest
        {
            PartnerDomain = PartnerDomain.Ftm,
            CertificateData = leaf.PemData(),
            ValidationTime = Timestamp.FromDateTimeOffset(pms.Time.GetUtcNow().AddYears(3)),
        }, calls.Auth);
        Assert.False(later.Trusted);
        Assert.Equal("CERTIFICATE_EXPIRED", later.ReasonCode);
        Assert.Equal("KER-PCM-004", later.MosipErrorCode);
        Assert.Empty(later.Chain);
    }

    [Fact]
    public async Task UntrustedLeavesAreAnswersWithAReasonAndMalformedBytesAreInvalidArgument()
    {
        var calls = await TrustStoreCalls.AsAdminAsync(pms);
        var root = Ca.Root("Device Root");
        await calls.UploadOneAsync(PartnerDomain.Device, root);
        var unrelated = Ca.Root("Unrelated Root");
        var stranger = unrelated.Intermediate("Unrelated Sub CA").Leaf("stranger");

        var untrusted = await calls.VerifyAsync(PartnerDomain.Device, stranger.PemData());
        Assert.False(untrusted.Trusted);
        Assert.Equal("TRUST_PATH_NOT_FOUND", untrusted.ReasonCode);
        Assert.Equal("KER-PCM-006", untrusted.MosipErrorCode);
        Assert.Contains(TestCertificateName(stranger.Issuer!), untrusted.Reason);
        Assert.Empty(untrusted.Chain);

        // A leaf of DEVICE's root is trusted in DEVICE only.
        var deviceLeaf = root.Leaf("device-1");
        Assert.True((await calls.VerifyAsync(PartnerDomain.Device, deviceLeaf.PemData())).Trusted);
        var otherDomainRoot = Ca.Root("Auth Root");
        await calls.UploadOneAsync(PartnerDomain.Auth, otherDomainRoot);
        var wrongDomain = await calls.VerifyAsync(PartnerDomain.Auth, deviceLeaf.PemData());
        Assert.False(wrongDomain.Trusted);
        Assert.Equal("TRUST_PATH_NOT_FOUND", wrongDomain.ReasonCode);

        // An intermediate sent along (not stored) completes the path; only stored certificates are listed.
        var unstoredIntermediate = root.Intermediate("Unstored Sub CA");
        var viaExtra = unstoredIntermediate.Leaf("device-2");
        var withExtra = await calls.VerifyAsync(PartnerDomain.Device, Ca.Bundle(viaExtra, unstoredIntermediate));
        Assert.True(withExtra.Trusted, withExtra.Reason);
        Assert.Single(withExtra.Chain);
        Assert.False((await calls.VerifyAsync(PartnerDomain.Device, viaExtra.PemData())).Trusted);

        // A tampered signature is untrusted, not an error.
        var forged = root.Leaf("forged", o => o.BreakSignature = true);
        var forgedAnswer = await calls.VerifyAsync(PartnerDomain.Device, forged.PemData());
        Assert.False(forgedAnswer.Trusted);
        Assert.Equal("TRUST_PATH_NOT_FOUND", forgedAnswer.ReasonCode);

        // Bytes that are not a certificate, and requests without a domain, are the only errors.
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "INVALID_CERTIFICATE",
            () => calls.VerifyAsync(PartnerDomain.Device, ByteString.CopyFromUtf8("not a certificate")), "KER-PCM-001");
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "INVALID_CERTIFICATE",
            () => calls.VerifyAsync(PartnerDomain.Device, ByteString.CopyFromUtf8(root.PrivateKeyPem)), "KER-PCM-001");
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "INVALID_CERTIFICATE",
            () => calls.VerifyAsync(PartnerDomain.Device, ByteString.Empty), "KER-PCM-001");
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => calls.VerifyAsync(PartnerDomain.Unspecified, deviceLeaf.PemData()), "KER-PCM-011");
    }

    [Fact]
    public async Task AnIntermediateBeforeItsRootIsRefusedNamingTheMissingIssuer()
    {
        var calls = await TrustStoreCalls.AsAdminAsync(pms);
        var root = Ca.Root("Late Root");
        var intermediate = root.Intermediate("Early Sub CA");

        var info = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "ROOT_CA_NOT_FOUND",
            () => calls.UploadAsync(PartnerDomain.Ftm, intermediate.PemData()), "KER-PCM-005");
        Assert.Equal("ISSUER_NOT_TRUSTED", info.Metadata["cause"]);
        var error = await Assert.ThrowsAsync<RpcException>(() => calls.UploadAsync(PartnerDomain.Ftm, intermediate.PemData()));
        Assert.Contains(TestCertificateName(root), error.Status.Detail);

        // Once the root is there, the same intermediate is accepted.
        await calls.UploadOneAsync(PartnerDomain.Ftm, root);
        Assert.Equal(CaCertificateType.Intermediate, (await calls.UploadOneAsync(PartnerDomain.Ftm, intermediate)).Type);

        // A root of another domain does not help.
        var deviceIntermediate = root.Intermediate("Sub CA for DEVICE");
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "ROOT_CA_NOT_FOUND",
            () => calls.UploadAsync(PartnerDomain.Device, deviceIntermediate.PemData()), "KER-PCM-005");
    }

    [Fact]
    public async Task TheSameCertificateTwiceInADomainAlreadyExistsButAnotherDomainIsASeparateEntry()
    {
        var calls = await TrustStoreCalls.AsAdminAsync(pms);
        var root = Ca.Root("Twice Root");
        var first = await calls.UploadOneAsync(PartnerDomain.Ftm, root);

        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, "CERTIFICATE_ALREADY_EXISTS",
            () => calls.UploadAsync(PartnerDomain.Ftm, root.PemData()), "KER-PCM-003");
        // As DER it is the same certificate.
        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, "CERTIFICATE_ALREADY_EXISTS",
            () => calls.UploadAsync(PartnerDomain.Ftm, ByteString.CopyFrom(root.Der)), "KER-PCM-003");

        var inAuth = await calls.UploadOneAsync(PartnerDomain.Auth, root);
        Assert.NotEqual(first.CertificateId, inAuth.CertificateId);
        Assert.Equal(first.ThumbprintSha256, inAuth.ThumbprintSha256);
        Assert.Equal(PartnerDomain.Auth, inAuth.PartnerDomain);
    }

    [Fact]
    public async Task APemBundleIsStoredRootFirstWhateverItsOrder()
    {
        var calls = await TrustStoreCalls.AsAdminAsync(pms);
        var root = Ca.Root("Bundle Root");
        var level1 = root.Intermediate("Bundle Sub CA 1");
        var level2 = level1.Intermediate("Bundle Sub CA 2");

        var response = await calls.UploadAsync(PartnerDomain.Ftm, Ca.Bundle(level2, root, level1));
        Assert.Empty(response.Failures);
        Assert.Collection(response.Certificates,
            c => Assert.Equal((CaCertificateType.Root, ""), (c.Type, c.IssuerCertificateId)),
            c => Assert.Equal((CaCertificateType.Intermediate, response.Certificates[0].CertificateId), (c.Type, c.IssuerCertificateId)),
            c => Assert.Equal((CaCertificateType.Intermediate, response.Certificates[1].CertificateId), (c.Type, c.IssuerCertificateId)));
        Assert.Contains(TestCertificateName(level2), response.Certificates[2].Subject);

        var download = await calls.Client.DownloadCaCertificateAsync(
            new DownloadCaCertificateRequest { CertificateId = response.Certificates[2].CertificateId }, calls.Auth);
        Assert.Equal(level2.Pem + level1.Pem + root.Pem, download.TrustPathPem);

        var verdict = await calls.VerifyAsync(PartnerDomain.Ftm, level2.Leaf("deep leaf").PemData());
        Assert.True(verdict.Trusted, verdict.Reason);
        Assert.Equal(response.Certificates.Reverse().Select(c => c.CertificateId), verdict.Chain);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task APkcs7BundleIsStored(bool pem)
    {
        var calls = await TrustStoreCalls.AsAdminAsync(pms);
        var root = Ca.Root("P7 Root");
        var intermediate = root.Intermediate("P7 Sub CA");
        var data = pem
            ? ByteString.CopyFromUtf8(TestCertificates.Pkcs7Pem(intermediate, root))
            : ByteString.CopyFrom(TestCertificates.Pkcs7Der(intermediate, root));

        var response = await calls.UploadAsync(PartnerDomain.Device, data);
        Assert.Empty(response.Failures);
        Assert.Equal(new[] { CaCertificateType.Root, CaCertificateType.Intermediate }, response.Certificates.Select(c => c.Type));
        Assert.Equal(response.Certificates[0].CertificateId, response.Certificates[1].IssuerCertificateId);
    }

    [Fact]
    public async Task APartlyFailingBundleStoresTheRestAndSaysWhichEntriesFailedAndWhy()
    {
        var calls = await TrustStoreCalls.AsAdminAsync(pms);
        var root = Ca.Root("Partial Root");
        var good = root.Intermediate("Partial Good Sub CA");
        var notCa = root.Intermediate("Partial Not A CA", o => o.IsCa = false);
        var orphan = Ca.Root("Partial Absent Root").Intermediate("Partial Orphan Sub CA");
        var alreadyStored = Ca.Root("Partial Stored Root");
        await calls.UploadOneAsync(PartnerDomain.Ftm, alreadyStored);

        // As sent: 0 orphan, 1 good, 2 already stored, 3 root, 4 not a CA.
        var response = await calls.UploadAsync(PartnerDomain.Ftm, Ca.Bundle(orphan, good, alreadyStored, root, notCa));

        Assert.Equal(new[] { TestCertificateName(root), TestCertificateName(good) }, response.Certificates.Select(c => NameOf(c.Subject)));
        Assert.Collection(response.Failures,
            f => Assert.Equal((0, "ROOT_CA_NOT_FOUND", "KER-PCM-005"), (f.Index, f.Reason, f.MosipErrorCode)),
            f => Assert.Equal((2, "CERTIFICATE_ALREADY_EXISTS", "KER-PCM-003"), (f.Index, f.Reason, f.MosipErrorCode)),
            f => Assert.Equal((4, "NOT_A_CA_CERTIFICATE", ""), (f.Index, f.Reason, f.MosipErrorCode)));
        Assert.Contains(TestCertificateName(orphan), response.Failures[0].Subject);
        Assert.Contains(TestCertificateName(orphan.Issuer!), response.Failures[0].Message);
        Assert.All(response.Failures, f => Assert.False(string.IsNullOrWhiteSpace(f.Message)));

        // Nothing of a bundle that cannot store anything is written, and the first failure is the status.
        var nothing = Ca.Root("Partial Absent Root 2").Intermediate("Partial Orphan 2");
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "ROOT_CA_NOT_FOUND",
            () => calls.UploadAsync(PartnerDomain.Ftm, Ca.Bundle(nothing, alreadyStored)), "KER-PCM-005");
        var list = await calls.Client.ListCaCertificatesAsync(new ListCaCertificatesRequest { SubjectContains = "Partial Orphan 2" }, calls.Auth);
        Assert.Equal(0, list.TotalSize);
    }

    public static TheoryData<string, StatusCode, string, string> RuleViolations => new()
    {
        { "not a CA", StatusCode.InvalidArgument, "NOT_A_CA_CERTIFICATE", "" },
        { "no keyCertSign", StatusCode.InvalidArgument, "KEY_CERT_SIGN_MISSING", "" },
        { "version 1", StatusCode.InvalidArgument, "UNSUPPORTED_CERTIFICATE_VERSION", "KER-PCM-007" },
        { "expired", StatusCode.InvalidArgument, "CERTIFICATE_EXPIRED", "KER-PCM-004" },
        { "future-dated", StatusCode.InvalidArgument, "CERTIFICATE_NOT_YET_VALID", "KER-PMS-020" },
        { "expires within a year", StatusCode.InvalidArgument, "CERTIFICATE_VALIDITY_TOO_SHORT", "KER-PCM-017" },
        { "RSA 1024", StatusCode.InvalidArgument, "KEY_NOT_ALLOWED", "" },
        { "secp256k1", StatusCode.InvalidArgument, "KEY_NOT_ALLOWED", "" },
        { "SHA-1", StatusCode.InvalidArgument, "SIGNATURE_ALGORITHM_NOT_ALLOWED", "" },
        { "broken self-signature", StatusCode.InvalidArgument, "INVALID_SIGNATURE", "KER-PCM-001" },
        { "private key", StatusCode.InvalidArgument, "INVALID_CERTIFICATE", "KER-PCM-001" },
        { "garbage", StatusCode.InvalidArgument, "INVALID_CERTIFICATE", "KER-PCM-001" },
        { "empty", StatusCode.InvalidArgument, "INVALID_CERTIFICATE", "KER-PCM-001" },
    };

    [Theory]
    [MemberData(nameof(RuleViolations))]
    public async Task EveryCaRuleIsAnErrorStatusWithItsReasonAndMosipCode(string @case, StatusCode code, string reason, string mosipCode)
    {
        var calls = await TrustStoreCalls.AsAdminAsync(pms);
        var now = pms.Time.GetUtcNow();
        ByteString data = @case switch
        {
            "not a CA" => Ca.Root("Rule", o => o.IsCa = false).PemData(),
            "no keyCertSign" => Ca.Root("Rule", o => o.WithoutKeyCertSign = true).PemData(),
            "version 1" => Ca.Root("Rule", o => o.Version = 1).PemData(),
            "expired" => Ca.Root("Rule", o => (o.NotBefore, o.NotAfter) = (now.AddYears(-3), now.AddDays(-1))).PemData(),
            "future-dated" => Ca.Root("Rule", o => o.NotBefore = now.AddDays(2)).PemData(),
            "expires within a year" => Ca.Root("Rule", o => o.NotAfter = now.AddDays(300)).PemData(),
            "RSA 1024" => Ca.Root("Rule", o => o.KeyType = TestKeyType.Rsa1024).PemData(),
            "secp256k1" => Ca.Root("Rule", o => o.KeyType = TestKeyType.EcSecp256k1).PemData(),
            "SHA-1" => Ca.Root("Rule", o => o.SignatureAlgorithm = "SHA1WITHECDSA").PemData(),
            "broken self-signature" => Ca.Root("Rule", o => o.BreakSignature = true).PemData(),
            "private key" => ByteString.CopyFromUtf8(Ca.Root("Rule").PrivateKeyPem),
            "garbage" => ByteString.CopyFrom(Encoding.UTF8.GetBytes("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n")),
            _ => ByteString.Empty,
        };

        await RpcAssert.FailsAsync(code, reason, () => calls.UploadAsync(PartnerDomain.Ftm, data), mosipCode.Length > 0 ? mosipCode : null);
    }

    [Fact]
    public async Task AMissingDomainIsValidationFailed()
    {
        var calls = await TrustStoreCalls.AsAdminAsync(pms);
        var info = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => calls.UploadAsync(PartnerDomain.Unspecified, Ca.Root("No Domain").PemData()), "KER-PCM-011");
        Assert.NotNull(info);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => calls.UploadAsync((PartnerDomain)42, Ca.Root("Odd Domain").PemData()), "KER-PCM-011");
    }

    [Fact]
    public async Task CertificateDataOverOneMebibyteIsRefusedBeforeParsing()
    {
        var calls = await TrustStoreCalls.AsAdminAsync(pms);
        var root = Ca.Root("Big Root");
        // A valid certificate followed by padding: only the size can be the reason.
        var data = new byte[(1024 * 1024) + 1];
        Encoding.ASCII.GetBytes(root.Pem).CopyTo(data, 0);
        Array.Fill(data, (byte)'\n', root.Pem.Length, data.Length - root.Pem.Length);

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "CERTIFICATE_DATA_TOO_LARGE",
            () => calls.UploadAsync(PartnerDomain.Ftm, ByteString.CopyFrom(data)));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "CERTIFICATE_DATA_TOO_LARGE",
            () => calls.VerifyAsync(PartnerDomain.Ftm, ByteString.CopyFrom(data)));

        // Exactly 1 MiB is still read.
        var stored = await calls.UploadAsync(PartnerDomain.Ftm, ByteString.CopyFrom(data.AsSpan(0, 1024 * 1024)));
        Assert.Single(stored.Certificates);
    }

    [Fact]
    public async Task EveryUploadAcceptedOrRefusedIsInTheAuditLog()
    {
        var calls = await TrustStoreCalls.AsAdminAsync(pms);
        var root = Ca.Root("Audited Root");
        var stored = await calls.UploadOneAsync(PartnerDomain.Device, root);
        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, "CERTIFICATE_ALREADY_EXISTS", () => calls.UploadAsync(PartnerDomain.Device, root.PemData()));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "INVALID_CERTIFICATE", () => calls.UploadAsync(PartnerDomain.Device, ByteString.CopyFromUtf8("junk")));

        var audit = new AuditService.AuditServiceClient(pms.Channel);
        var events = (await audit.ListAuditEventsAsync(new ListAuditEventsRequest
        {
            Action = "UPLOAD_CA_CERTIFICATE",
            ResourceType = "ca_certificate",
            PageSize = 200,
        }, calls.Auth)).AuditEvents;

        var accepted = Assert.Single(events, e => e.ResourceId == stored.CertificateId);
        Assert.Equal(("SUCCESS", PmsFactory.AdminUsername, "ROOT"), (accepted.Outcome, accepted.ActorUsername, accepted.ToStatus));
        Assert.Contains(stored.ThumbprintSha256, accepted.Detail);
        Assert.Contains("\"DEVICE\"", accepted.Detail);

        var duplicate = Assert.Single(events, e => e.ResourceId == stored.ThumbprintSha256);
        Assert.Equal(("FAILURE", "CERTIFICATE_ALREADY_EXISTS"), (duplicate.Outcome, duplicate.Comment));
        Assert.Contains("KER-PCM-003", duplicate.Detail);

        Assert.Contains(events, e => e.Outcome == "FAILURE" && e.Comment == "INVALID_CERTIFICATE" && e.ActorUsername == PmsFactory.AdminUsername);
    }

    // The CN a test certificate was made with (Ca adds a unique suffix).
    private static string TestCertificateName(TestCertificate certificate) =>
        certificate.SubjectName.GetValueList(X509Name.CN)[0];

    private static string NameOf(string subject) =>
        subject.Split(',').Select(p => p.Trim()).First(p => p.StartsWith("CN=", StringComparison.Ordinal))[3..];
}
