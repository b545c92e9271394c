using System.Diagnostics;
using System.Text.Json;
using Grpc.Core;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Readers;
using Mosip.Pms.V1;
using Pms.Grpc.Validation;
using Pms.IntegrationTests.FtmChips;
using Pms.IntegrationTests.Infrastructure;
using Pms.Testing;
using Xunit.Abstractions;

namespace Pms.IntegrationTests.Edge;

/// <summary>
/// The REST/JSON face as its users meet it: the OpenAPI document describes every transcoded RPC, and the walkthrough
/// in docs/rest-api.md runs as written (bash, curl, jq) against a real Pms.Grpc over a socket.
/// </summary>
public sealed class RestApiTests(RestApiTests.Factory pms, ITestOutputHelper output) : IClassFixture<RestApiTests.Factory>
{
    [Fact]
    public async Task TheOpenApiDocumentDescribesEveryTranscodedRpcAndIsServedAnonymously()
    {
        using var http = DynamicRest.ClientFor(pms.SocketAddress);
        using var response = await http.GetAsync("/openapi/v1.json");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /openapi/v1.json answered {(int)response.StatusCode}: {body}");
        // The document is OpenAPI, not only JSON: the OpenAPI.NET reader finds no error in it.
        var parsed = new OpenApiStringReader().Read(body, out var diagnostic);
        Assert.True(diagnostic.Errors.Count == 0, $"OpenAPI {diagnostic.SpecificationVersion} errors:\n" +
            string.Join("\n", diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_0, diagnostic.SpecificationVersion);
        Assert.NotEmpty(parsed.Paths);
        using var document = JsonDocument.Parse(body);
        var paths = document.RootElement.GetProperty("paths");
        var described = paths.EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(verb => $"{verb.Name.ToUpperInvariant()} {Normalize(p.Name)}"))
            .ToHashSet();

        var transcoded = ApiDescriptors.Methods.Where(m => !m.IsServerStreaming).ToList();
        var missing = new List<string>();
        foreach (var method in transcoded)
        {
            var rule = DynamicRest.RuleOf(method);
            if (rule is null)
            {
                missing.Add($"{method.FullName}: no google.api.http rule");
                continue;
            }
            foreach (var binding in rule.AdditionalBindings.Prepend(rule))
            {
                var (verb, path) = DynamicRest.PatternOf(binding);
                var operation = $"{verb.Method} {Normalize(path)}";
                if (!described.Contains(operation))
                {
                    missing.Add($"{method.FullName}: {operation}");
                }
            }
        }
        output.WriteLine($"{transcoded.Count} transcoded RPCs, {described.Count} operations in the document");
        Assert.True(missing.Count == 0, "Not in the OpenAPI document:\n" + string.Join("\n", missing) +
            "\nDocument operations:\n" + string.Join("\n", described.Order()));
        // The watch over HTTP is described once, as what it is: server-sent events with its two filters.
        Assert.Equal(["GET /v1/ftm-chips:watch"], described.Where(d => d.Contains("watch", StringComparison.OrdinalIgnoreCase)));
        var watch = parsed.Paths["/v1/ftm-chips:watch"].Operations[Microsoft.OpenApi.Models.OperationType.Get];
        Assert.True(watch.Responses["200"].Content.ContainsKey("text/event-stream"), "The watch's 200 is not text/event-stream.");
        Assert.Equal(["partnerId", "status"], watch.Parameters.Select(p => p.Name));
        Assert.Contains("FTM_CHIP_STATUS_APPROVED", watch.Parameters[1].Schema.Enum.OfType<Microsoft.OpenApi.Any.OpenApiString>().Select(s => s.Value));
        Assert.Equal(["400", "401", "403", "429"], watch.Responses.Keys.Where(k => k != "200").Order());
    }

    [Fact]
    public async Task TheWalkthroughInTheDocsRunsAsWritten()
    {
        var organization = "Rest Chips " + Guid.NewGuid().ToString("N")[..8];
        var folder = TestFolders.Create("rest-walkthrough");
        try
        {
            await RunWalkthroughAsync(folder, organization);
        }
        finally
        {
            TestFolders.Delete(folder);
        }
    }

    private async Task RunWalkthroughAsync(string folder, string organization)
    {
        var partnerPem = Path.Combine(folder, "partner.pem");
        var chipPem = Path.Combine(folder, "chip.pem");
        await File.WriteAllTextAsync(partnerPem, pms.FtmIntermediate.IssueLeaf("partner", o =>
        {
            o.KeyType = TestKeyType.EcP256;
            o.Organization = organization;
        }).Pem);
        await File.WriteAllTextAsync(chipPem, pms.ChipCertificate(organization).Pem);
        var (exitCode, printed, said) = await RunExampleAsync(folder, Path.Combine("docs", "rest-api.md"), new()
        {
            ["ORG"] = organization,
            ["PARTNER_PEM"] = partnerPem,
            ["CHIP_PEM"] = chipPem,
        });

        Assert.True(exitCode == 0, said);
        Assert.Equal(["PARTNER_STATUS_IN_PROGRESS", "true", "-----BEGIN CERTIFICATE-----"], printed[..3]);
        Assert.Contains("FTM_CHIP_STATUS_PENDING_APPROVAL", printed);
        Assert.Contains("FTM_CHIP_STATUS_APPROVED", printed);
        Assert.Equal("""{"code":9,"reason":"INVALID_STATE_TRANSITION"}""", printed[^1]);

        // What the admin sees over gRPC: the provider's chip, approved.
        var chips = await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest { OrganizationContains = organization }, await pms.AdminAsync());
        var chip = Assert.Single(chips.FtmChips);
        Assert.Equal(FtmChipStatus.Approved, chip.Status);
        Assert.Equal("SecureChip X1", chip.Model);
    }

    [Fact]
    public async Task TheReadmeRestExampleRunsAsWritten()
    {
        var folder = TestFolders.Create("rest-readme");
        try
        {
            var (exitCode, printed, said) = await RunExampleAsync(folder, "README.md", []);
            Assert.True(exitCode == 0, said);
            Assert.Matches(@"^\d+ chips wait for approval$", Assert.Single(printed));
        }
        finally
        {
            TestFolders.Delete(folder);
        }
    }

    /// <summary>Runs the bash block between the walkthrough markers of <paramref name="document"/>, as a user would.</summary>
    private async Task<(int ExitCode, string[] Printed, string Said)> RunExampleAsync(string folder, string document,
        Dictionary<string, string> variables)
    {
        var script = Path.Combine(folder, "example.sh");
        await File.WriteAllTextAsync(script, Walkthrough(document));
        // The test server speaks HTTP/2 only (cleartext, so without negotiation); the walkthrough stays as a user runs it.
        await File.WriteAllTextAsync(Path.Combine(folder, ".curlrc"), "http2-prior-knowledge\n");

        var run = new ProcessStartInfo("bash", [script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["PMS"] = pms.SocketAddress.ToString().TrimEnd('/'),
                ["ADMIN_PASSWORD"] = PmsFactory.AdminPassword,
                ["CURL_HOME"] = folder,
            },
        };
        foreach (var (name, value) in variables)
        {
            run.Environment[name] = value;
        }
        using var process = Process.Start(run)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(bound.Token);
        var printed = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var said = $"exit {process.ExitCode}\nstdout:\n{await stdout}\nstderr:\n{await stderr}";
        output.WriteLine(said);
        return (process.ExitCode, printed, said);
    }

    /// <summary>The bash block between the walkthrough markers of <paramref name="document"/>.</summary>
    private static string Walkthrough(string document)
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryPaths.Root, document));
        var begin = docs.IndexOf("<!-- walkthrough:begin -->", StringComparison.Ordinal);
        var end = docs.IndexOf("<!-- walkthrough:end -->", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"{document} lost its walkthrough markers");
        var block = docs[begin..end];
        var code = block[(block.IndexOf("```bash\n", StringComparison.Ordinal) + "```bash\n".Length)..block.LastIndexOf("```", StringComparison.Ordinal)];
        return code;
    }

    // Path variables may be named after the proto field or its JSON name: only their places are compared.
    private static string Normalize(string path) => System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]+\}", "{}");

    /// <summary>PMS over a socket with an FTM trust store, as the REST clients reach it.</summary>
    public sealed class Factory : FtmChipsFactory
    {
        protected override bool OverSockets => true;
    }
}
