using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Pms.Grpc.Certificates;
using Pms.Grpc.TrustStore;
using Pms.Testing;
using Xunit.Abstractions;

namespace Pms.UnitTests.Certificates;

/// <summary>
/// Ten thousand and more damaged certificates, PKCS#7 and PEM bundles through the engine's intake: every one ends in
/// the engine's own refusal (a rule violation) or an answer, never another exception. Seeded: set PMS_FUZZ_SEED to
/// replay a run; the seed and the failing inputs' mutations are printed.
/// </summary>
public sealed class CertificateIntakeFuzzTests(ITestOutputHelper output)
{
    private const int Inputs = 12_000;

    [Fact]
    public void NoDamagedInputEscapesTheEnginesRefusal()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PMS_FUZZ_SEED"), CultureInfo.InvariantCulture, out var given) ? given : 20261130;
        output.WriteLine($"seed {seed} (replay with PMS_FUZZ_SEED={seed})");
        var mutator = new CertificateMutator(seed, CertificateMutator.StandardCorpus());
        var intake = new Intake(new FakeTimeProvider(DateTimeOffset.UtcNow));
        var outcomes = new Dictionary<string, int>();
        var failures = new List<string>();

        for (var i = 0; i < Inputs; i++)
        {
            var input = mutator.Next();
            string outcome;
            try
            {
                outcome = intake.Run(input.Data);
            }
            catch (Exception ex)
            {
                outcome = "unhandled " + ex.GetType().Name;
                failures.Add($"#{i} {input.Origin}: {input.Mutation}: {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        output.WriteLine($"{Inputs} inputs: " + string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}")));
        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} inputs escaped the engine:\n" + string.Join("\n\n", failures.Take(5)));
    }

    /// <summary>
    /// The engine's public entry points, in the order an upload uses them: the intake (size, parse PEM, DER or PKCS#7,
    /// one or many), the bundle ordered root first and its leaf picked, then the CA and end-entity rules on each
    /// certificate. Every refusal is a value; any exception is an escape. Kept thin so it follows the engine.
    /// </summary>
    private sealed class Intake(TimeProvider time)
    {
        private readonly CaCertificateRules _caRules = new(time);
        private readonly EndEntityCertificateRules _endEntityRules = new(time);
        private readonly DomainTrustStore _emptyStore = DomainTrustStore.Empty("FTM");

        public string Run(byte[] data)
        {
            var read = CertificateInput.Read(data);
            if (!read.IsAccepted)
            {
                return "refused " + read.Violation.Reason;
            }

            var certificates = read.Value;
            var endEntity = _endEntityRules.Check(EndEntityInput.From(certificates), TestCertificates.DefaultOrganization, _emptyStore);
            foreach (var certificate in CertificateBundle.OrderRootFirst(certificates))
            {
                _ = certificate.ToString();
                _ = certificate.Key?.Description;
                _ = certificate.IsSignedBy(certificate);
                _ = _caRules.Check(certificate, _emptyStore);
                _ = _endEntityRules.CheckCertificate(certificate, TestCertificates.DefaultOrganization, time.GetUtcNow());
            }
            return endEntity.IsAccepted ? $"parsed ({certificates.Count})" : $"parsed ({certificates.Count}), leaf refused {endEntity.Violation.Reason}";
        }
    }
}
