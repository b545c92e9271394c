using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Mosip.Pms.V1;
using Pms.Testing;
using Xunit.Abstractions;

namespace Pms.IntegrationTests.Edge;

/// <summary>
/// Damaged certificates, PKCS#7 and PEM bundles (built from this PMS's own trust chain, so many get deep into the
/// rules) through every RPC that takes certificate data, over a real socket: never INTERNAL or UNKNOWN. Seeded: set
/// PMS_FUZZ_SEED to replay.
/// </summary>
public sealed class CertificateUploadFuzzTests(EdgeFactory pms, ITestOutputHelper output) : IClassFixture<EdgeFactory>
{
    private const int Inputs = 1_000;

    [Fact]
    public async Task NoDamagedCertificateThroughAnyUploadOrTrustCheckAnswersInternal()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PMS_FUZZ_SEED"), CultureInfo.InvariantCulture, out var given) ? given : 20261130;
        output.WriteLine($"seed {seed} (replay with PMS_FUZZ_SEED={seed})");
        var chip = pms.ChipCertificate(pms.Provider.Organization);
        var partner = pms.FtmIntermediate.IssueLeaf("partner", o =>
        {
            o.KeyType = TestKeyType.EcP256;
            o.Organization = pms.Provider.Organization;
        });
        var mutator = new CertificateMutator(seed, [
            .. CertificateMutator.StandardCorpus(),
            ("chip certificate PEM with its chain", System.Text.Encoding.ASCII.GetBytes(TestCertificates.BundlePem(chip, pms.FtmIntermediate, pms.FtmRoot))),
            ("partner certificate DER", partner.Der),
            ("FTM root and intermediate PKCS#7", TestCertificates.Pkcs7Der(pms.FtmIntermediate, pms.FtmRoot)),
        ]);
        var trustStore = new TrustStoreService.TrustStoreServiceClient(pms.Channel);
        var calls = new (string Rpc, Func<ByteString, Task> Call)[]
        {
            ("UploadCaCertificate", data => trustStore.UploadCaCertificateAsync(
                new UploadCaCertificateRequest { PartnerDomain = PartnerDomain.Ftm, CertificateData = data }, pms.Admin).ResponseAsync),
            ("UploadPartnerCertificate", data => pms.Partners.UploadPartnerCertificateAsync(
                new UploadPartnerCertificateRequest { CertificateData = data }, pms.Provider.Auth).ResponseAsync),
            ("UploadFtmChipCertificate", data => pms.Chips.UploadFtmChipCertificateAsync(
                new UploadFtmChipCertificateRequest { FtmChipId = pms.Chip.FtmChipId, CertificateData = data }, pms.Provider.Auth).ResponseAsync),
            ("VerifyCertificateTrust", data => trustStore.VerifyCertificateTrustAsync(
                new VerifyCertificateTrustRequest { PartnerDomain = PartnerDomain.Ftm, CertificateData = data }, pms.Admin).ResponseAsync),
        };
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();

        for (var i = 0; i < Inputs; i++)
        {
            var input = mutator.Next();
            var (rpc, call) = calls[i % calls.Length];
            var code = StatusCode.OK;
            try
            {
                await call(ByteString.CopyFrom(input.Data));
            }
            catch (RpcException ex)
            {
                code = ex.StatusCode;
                if (code is StatusCode.Internal or StatusCode.Unknown)
                {
                    failures.Add($"#{i} {rpc} {input.Origin}: {input.Mutation}: {code} {ex.Status.Detail}");
                }
            }
            outcomes[$"{rpc} {code}"] = outcomes.GetValueOrDefault($"{rpc} {code}") + 1;
        }

        output.WriteLine($"{Inputs} inputs: " + string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}")));
        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} inputs answered INTERNAL/UNKNOWN:\n" + string.Join("\n", failures.Take(20)));
    }
}
