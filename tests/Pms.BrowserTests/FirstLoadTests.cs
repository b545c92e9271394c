using System.Globalization;
using Pms.BrowserTests.Infrastructure;

namespace Pms.BrowserTests;

[Collection(PortalCollection.Name)]
public sealed class FirstLoadTests(PortalFixture portal)
{
    private const long Budget = 5 * 1024 * 1024;

    /// <summary>
    /// What a first visit (empty cache) transfers until the sign-in screen is ready, from the portal as published in
    /// Release: the WebAssembly runtime, the trimmed assemblies, styles and scripts, as compressed on the wire (the
    /// host serves the published .br/.gz files; each line of the report names the encoding). Written to
    /// artifacts/first-load.txt.
    /// </summary>
    [Fact]
    public async Task TheFirstLoadOfThePublishedPortalTransfersLessThanFiveMegabytes()
    {
        await using var published = await PublishedPortal.StartAsync();
        var context = await portal.Browser.NewContextAsync(new() { BaseURL = published.Url.ToString(), ViewportSize = new() { Width = 1280, Height = 860 } });
        try
        {
            var page = await context.NewPageAsync();
            var responses = new List<IResponse>();
            page.Response += (_, response) => responses.Add(response);

            await page.GotoAsync("login", new() { Timeout = 90_000 });
            await Expect(page.Locator("main h1")).ToHaveTextAsync("Sign in", new() { Timeout = 90_000 });
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new() { Timeout = 60_000 });

            long transferred = 0;
            var lines = new List<(long Size, string Line)>();
            foreach (var response in responses.ToList())
            {
                var sizes = await response.Request.SizesAsync();
                var size = sizes.ResponseBodySize + sizes.ResponseHeadersSize;
                transferred += size;
                var path = new Uri(response.Url).AbsolutePath;

                var encoding = await response.HeaderValueAsync("content-encoding") ?? "identity";
                lines.Add((size, string.Create(CultureInfo.InvariantCulture, $"{size,9:N0}  {encoding,-8} {path}")));
            }

            var report = string.Create(CultureInfo.InvariantCulture,
                $"""
                First load of the published portal (Release), sign-in screen, empty cache: {responses.Count} responses.
                Transferred (bodies as compressed on the wire, plus headers): {transferred:N0} bytes = {transferred / (1024.0 * 1024.0):0.00} MiB
                Budget: {Budget / (1024 * 1024)} MiB

                """) + string.Join("\n", lines.OrderByDescending(l => l.Size).Select(l => l.Line)) + "\n";
            Directory.CreateDirectory(Path.Combine(Repository.Root, "artifacts"));
            await File.WriteAllTextAsync(Path.Combine(Repository.Root, "artifacts", "first-load.txt"), report);

            Assert.True(transferred < Budget, report);
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
