using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pms.Testing;

namespace Pms.BrowserTests.Infrastructure;

/// <summary>
/// The whole system as a user starts it (AppHost with PostgreSQL from this machine's binaries in a throw-away
/// folder, the mail sink, pms-grpc, pms-web) and one headless Chromium, shared by every browser test.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public const string AdminUsername = "admin";
    public const string AdminPassword = "Browser-Admin-Password-1";
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Short enough that a test sees the portal renew its session (it renews 60 s before expiry).</summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromSeconds(100);

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    private readonly string _dataDirectory = TestFolders.Create("pms-browser");
    private DistributedApplication? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The system is not started.");

    /// <summary>The portal's address (pms-web's <c>http</c> endpoint), ending in "/".</summary>
    public Uri PortalUrl { get; private set; } = default!;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium is not started.");

    public async Task InitializeAsync()
    {
        // Before spending minutes on the system: without the browser no test here can run.
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ChromiumPath}: the browser tests drive Debian's Chromium (Playwright's own browser download " +
                "does not work here). Install it with: apt-get install chromium   (./test.sh installs it when run as root).");
        }

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Pms_AppHost>(
        [
            "--Pms:Postgres:Mode=local",
            $"--Pms:Postgres:DataDirectory={Path.Combine(_dataDirectory, "postgres")}",
            $"--Parameters:admin-password={AdminPassword}",
            $"--Parameters:postgres-password=browser-{Guid.NewGuid():N}",
            $"--Parameters:jwt-signing-key=browser-jwt-{Guid.NewGuid():N}{Guid.NewGuid():N}",
            $"--Parameters:key-encryption-key=browser-kek-{Guid.NewGuid():N}{Guid.NewGuid():N}",
            "--DcpPublisher:RandomizePorts=true",
        ]);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            // The resources' own console lines; their failures still show.
            .AddFilter("Pms.AppHost.Resources", LogLevel.Error)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));

        var grpc = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "pms-grpc"));
        var web = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "pms-web"));
        grpc.WithEnvironment("Pms__Jwt__AccessTokenLifetime", AccessTokenLifetime.ToString("c"))
            // The ports are random here: password-reset mails must link to this run's portal.
            .WithEnvironment("Pms__Portal__BaseUrl", web.GetEndpoint("http"));
        // The tests register and sign in many times from one address (loopback) within a minute.
        foreach (var (name, value) in LiftedRateLimits.EnvironmentVariables)
        {
            grpc.WithEnvironment(name, value);
        }

        _app = await builder.BuildAsync();
        using (var timeout = new CancellationTokenSource(StartTimeout))
        {
            await _app.StartAsync(timeout.Token);
            foreach (var resource in new[] { "mail", "pms-grpc", "pms-web" })
            {
                await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
            }
        }

        var portal = _app.GetEndpoint("pms-web", "http").ToString();
        PortalUrl = new Uri(portal.EndsWith('/') ? portal : portal + "/");

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            Timeout = 60_000,
        });
        SetDefaultExpectTimeout(20_000);
    }

    /// <summary>A fresh browser context (own storage, so its own session) at the given window width.</summary>
    /// <param name="locale">The browser's language (navigator.language), which the portal follows until the user picks one.</param>
    public async Task<PortalPage> OpenAsync(int width = 1280, int height = 860, string locale = "en-GB")
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = PortalUrl.ToString(),
            ViewportSize = new() { Width = width, Height = height },
            AcceptDownloads = true,
            Locale = locale,
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(20_000);
        // The first start of the WebAssembly runtime on a busy 2-core machine can take a while.
        context.SetDefaultNavigationTimeout(90_000);
        var page = await context.NewPageAsync();
        return new PortalPage(this, context, page);
    }

    /// <summary>A gRPC (HTTP/2) channel to pms-grpc, for arranging what a test needs but does not look at.</summary>
    public Grpc.Net.Client.GrpcChannel GrpcChannel() => Grpc.Net.Client.GrpcChannel.ForAddress(App.GetEndpoint("pms-grpc", "grpc"));

    /// <summary>The address of the mail sink's web UI and API (smtp4dev).</summary>
    public Mailbox Mailbox => new(App.GetEndpoint("mail", "http"));

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        TestFolders.Delete(_dataDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "Portal in a browser";
}
