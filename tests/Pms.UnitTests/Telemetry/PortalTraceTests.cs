extern alias web;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Xunit.Abstractions;

namespace Pms.UnitTests.Telemetry;

/// <summary>
/// What the portal host (Pms.Web) sends to the dashboard: the spans its OpenTelemetry pipeline would
/// export, caught by a processor added next to the exporter.
/// </summary>
public sealed class PortalTraceTests(ITestOutputHelper output) : IDisposable
{
    private readonly ExportedSpans _spans = new();
    private WebApplicationFactory<web::Program>? _portal;

    private WebApplicationFactory<web::Program> Portal => _portal ??= new WebApplicationFactory<web::Program>()
        .WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Development");
            host.UseSetting("OTEL_TRACES_SAMPLER", "always_on");
            // No OTLP endpoint here, so traces must be asked for: the processor below stands in for the exporter.
            host.UseSetting(Microsoft.Extensions.Hosting.Extensions.AlwaysTraceSetting, "true");
            // Nothing answers here: forwarded calls fail fast, which is enough to see how they are named.
            host.UseSetting("services:pms-grpc:http:0", "http://127.0.0.1:1");
            // The dashboard's exporter sits behind the same kind of processor, which drops spans not recorded.
            host.ConfigureTestServices(services => services.AddOpenTelemetry()
                .WithTracing(t => t.AddProcessor(new SimpleActivityExportProcessor(_spans))));
        });

    [Fact]
    public async Task APageLoadRecordsNoSpanForStaticFiles()
    {
        using var http = Portal.CreateClient();
        var page = await http.GetStringAsync("/");
        var files = System.Text.RegularExpressions.Regex.Matches(page, "(?:src|href)=\"([^\"#]+\\.(?:js|css|svg))\"")
            .Select(m => "/" + m.Groups[1].Value.TrimStart('/')).Distinct().ToList();
        files.Add("/_framework/blazor.webassembly.js");
        foreach (var file in files)
        {
            using var response = await http.GetAsync(file);
            output.WriteLine($"{(int)response.StatusCode} {file}");
        }

        // A server span ends just after its response: give the last file's span time to arrive.
        await Task.Delay(500);
        foreach (var span in _spans.All)
        {
            output.WriteLine($"span: {span.DisplayName} ({span.Source.Name}) path={span.GetTagItem("url.path")}");
        }
        // The page itself is traced (so the filter is not simply dropping everything); none of its files is.
        Assert.Contains(_spans.All, s => s.GetTagItem("url.path") as string == "/");
        Assert.True(files.Count >= 4, $"the page names too few files to prove anything: {string.Join(", ", files)}");
        Assert.DoesNotContain(_spans.All, s => s.GetTagItem("url.path") is string path && path != "/");
    }

    [Fact]
    public async Task ForwardedGrpcWebCallsAreNamedAfterTheRpc()
    {
        using var http = Portal.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mosip.pms.v1.FtmChipService/ListFtmChips")
        {
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc-web+proto");
        using var response = await http.SendAsync(request);
        output.WriteLine($"{(int)response.StatusCode}");

        for (var waited = 0; waited < 5000 && !_spans.All.Any(s => s.Source.Name == "Microsoft.AspNetCore"); waited += 100)
        {
            await Task.Delay(100);
        }
        foreach (var span in _spans.All)
        {
            output.WriteLine($"span: {span.DisplayName} ({span.Source.Name}) kind={span.Kind}");
        }
        // The root span names the trace in the dashboard; YARP's own proxy.forwarder span sits below it.
        var server = Assert.Single(_spans.All, s => s.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal("mosip.pms.v1.FtmChipService/ListFtmChips", server.DisplayName);
    }

    [Fact]
    public async Task WithoutAnOtlpEndpointNoSpanIsMade()
    {
        // The same portal without Telemetry:AlwaysTrace and, as in the tests, without OTEL_EXPORTER_OTLP_ENDPOINT:
        // the processor stands where an exporter would be, and must see nothing, since nobody would read the spans.
        var unexported = new ExportedSpans();
        using var portal = new WebApplicationFactory<web::Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Development");
            host.UseSetting("OTEL_TRACES_SAMPLER", "always_on");
            host.ConfigureTestServices(services => services.AddOpenTelemetry()
                .WithTracing(t => t.AddProcessor(new SimpleActivityExportProcessor(unexported))));
        });
        using var http = portal.CreateClient();
        var page = await http.GetStringAsync("/");
        output.WriteLine($"page: {page.Length} characters");

        // A span would end just after its response (the traced case above sees it within this time).
        await Task.Delay(500);
        foreach (var span in unexported.All)
        {
            output.WriteLine($"span: {span.DisplayName} ({span.Source.Name})");
        }
        Assert.Empty(unexported.All);
    }

    public void Dispose() => _portal?.Dispose();

    /// <summary>Every span the pipeline exports.</summary>
    private sealed class ExportedSpans : BaseExporter<Activity>
    {
        private readonly ConcurrentQueue<Activity> _exported = new();

        public IReadOnlyList<Activity> All => [.. _exported];

        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var activity in batch)
            {
                _exported.Enqueue(activity);
            }
            return ExportResult.Success;
        }
    }
}
