using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pms.EndToEndTests;

/// <summary>
/// The whole system as a user starts it: the AppHost with PostgreSQL from this machine's binaries
/// (in a throw-away data folder, so a running dev system is never touched), the mail sink, pms-grpc and pms-web.
/// </summary>
public class PmsSystemFixture : IAsyncLifetime
{
    public const string AdminPassword = "E2e-Admin-Password-1";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"pms-e2e-{Guid.NewGuid():N}");
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The system is not started.");

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Pms_AppHost>(
        [
            "--Pms:Postgres:Mode=local",
            $"--Pms:Postgres:DataDirectory={Path.Combine(_dataDirectory, "postgres")}",
            $"--Parameters:admin-password={AdminPassword}",
            $"--Parameters:postgres-password=e2e-{Guid.NewGuid():N}",
            $"--Parameters:jwt-signing-key=e2e-jwt-{Guid.NewGuid():N}{Guid.NewGuid():N}",
            $"--Parameters:key-encryption-key=e2e-kek-{Guid.NewGuid():N}{Guid.NewGuid():N}",
            "--DcpPublisher:RandomizePorts=true",
            .. ExtraArguments,
        ]);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        // All calls come from this machine: lift the per-address limits, which these tests are not about (docs/security.md).
        var grpc = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "pms-grpc"));
        foreach (var rule in new[] { "SignIn", "Registration", "PasswordReset", "Session", "CertificateUpload" })
        {
            grpc.WithEnvironment($"Pms__RateLimits__{rule}__PermitLimit", "100000");
        }
        _app = await builder.BuildAsync();

        using var timeout = new CancellationTokenSource(StartTimeout);
        await _app.StartAsync(timeout.Token);
        foreach (var resource in ResourceNames)
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
    }

    /// <summary>More AppHost arguments, e.g. <c>--Pms:Grpc:Replicas=2</c>.</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <summary>Resources a user expects to see Healthy in the dashboard.</summary>
    public static readonly string[] ResourceNames = ["postgres", "mail", "pms-grpc", "pms-web"];

    /// <summary>A gRPC (HTTP/2) channel to pms-grpc's <c>grpc</c> endpoint, as internal MOSIP services use.</summary>
    public GrpcChannel GrpcChannel() =>
        Grpc.Net.Client.GrpcChannel.ForAddress(App.GetEndpoint("pms-grpc", "grpc"));

    /// <summary>A gRPC-Web channel through pms-web, the way the portal in a browser reaches PMS.</summary>
    public GrpcChannel GrpcWebChannel() =>
        Grpc.Net.Client.GrpcChannel.ForAddress(App.GetEndpoint("pms-web", "http"), new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new HttpClientHandler()),
            HttpVersion = System.Net.HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });

    public static Metadata Bearer(string accessToken) => new() { { "authorization", $"Bearer {accessToken}" } };

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PmsSystemCollection : ICollectionFixture<PmsSystemFixture>
{
    public const string Name = "PMS system";
}
