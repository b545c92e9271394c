using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Mosip.Pms.V1;
using Pms.Testing;

namespace Pms.IntegrationTests.Infrastructure;

/// <summary>
/// Pms.Grpc in-process against a real PostgreSQL database of its own (one per test class), configured as in
/// production: every secret given, none generated. Time is a <see cref="FakeTimeProvider"/> that tests move.
/// </summary>
public class PmsFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminUsername = "admin";
    public const string AdminPassword = "Admin-Password-For-Tests-1";
    public const string JwtSigningKey = "integration-tests-jwt-signing-key-0123456789abcdef";
    public const string MasterKey = "integration-tests-master-key-0123456789abcdef";

    private string? _connectionString;
    private GrpcChannel? _channel;

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>Everything PMS logged, at the levels its configuration lets through.</summary>
    public LogCapture Logs { get; } = new();

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("Not initialised.");

    public GrpcChannel Channel => _channel ??= OverSockets
        ? GrpcChannel.ForAddress(SocketAddress, new GrpcChannelOptions { MaxReceiveMessageSize = 8 * 1024 * 1024 })
        : GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = Server.CreateHandler(),
            MaxReceiveMessageSize = 8 * 1024 * 1024,
        });

    /// <summary>
    /// Serve over Kestrel on a loopback port (HTTP/2 without TLS) instead of the in-memory test server, so calls
    /// cross a real socket with real HTTP/2 framing, as a client's would.
    /// </summary>
    protected virtual bool OverSockets => false;

    /// <summary>Where Kestrel listens when <see cref="OverSockets"/>.</summary>
    public Uri SocketAddress => new(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

    /// <summary>A database to use instead of a new one (tests of several instances on one database).</summary>
    protected virtual string? ExistingDatabase => null;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetSharedAsync();
        _connectionString = ExistingDatabase ?? await server.CreateDatabaseAsync(GetType().Name);
        await BeforeStartAsync();
        if (OverSockets)
        {
            UseKestrel();
        }
        try
        {
            // Start now: migrations and the bootstrap admin happen here, not in the first test.
            if (OverSockets)
            {
                StartServer();
            }
            else
            {
                _ = Server;
            }
        }
        catch (Exception) when (StartFailureExpected)
        {
        }
    }

    /// <summary>Lets a test inspect a start-up failure instead of failing in the fixture.</summary>
    protected virtual bool StartFailureExpected => false;

    /// <summary>Runs before PMS starts: start what it needs to reach (e.g. a mail server) here.</summary>
    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    /// <summary>Runs after PMS stopped: stop what <see cref="BeforeStartAsync"/> started.</summary>
    protected virtual Task AfterStopAsync() => Task.CompletedTask;

    /// <summary>Where PMS sends mail. By default nowhere that answers: mail fails in the background, which PMS logs and survives.</summary>
    protected virtual string MailConnectionString => "Endpoint=smtp://127.0.0.1:1";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:pmsdb", ConnectionString);
        builder.UseSetting("ConnectionStrings:mail", MailConnectionString);
        builder.UseSetting("Pms:BootstrapAdmin:Username", AdminUsername);
        builder.UseSetting("Pms:BootstrapAdmin:Password", AdminPassword);
        builder.UseSetting("Pms:Jwt:SigningKey", JwtSigningKey);
        builder.UseSetting("Pms:KeyEncryption:MasterKey", MasterKey);
        if (OverSockets)
        {
            // The configured endpoints (fixed ports) become free loopback ports, both speaking HTTP/2 as gRPC needs.
            foreach (var endpoint in new[] { "http", "grpc" })
            {
                builder.UseSetting($"Kestrel:Endpoints:{endpoint}:Url", "http://127.0.0.1:0");
                builder.UseSetting($"Kestrel:Endpoints:{endpoint}:Protocols", "Http2");
            }
        }
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        if (!ProductionRateLimits)
        {
            // Tests that are not about limits make many calls quickly from one address; tests of the limits keep the defaults.
            foreach (var (key, value) in LiftedRateLimits.Settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }

    /// <summary>Keep the production defaults under <c>Pms:RateLimits</c> instead of lifting them.</summary>
    protected virtual bool ProductionRateLimits => false;

    /// <summary>A channel whose calls come from <paramref name="address"/> (the TCP peer PMS sees).</summary>
    public GrpcChannel ChannelFrom(string address) => GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
    {
        HttpHandler = Server.CreateHandler(http => http.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(address)),
        MaxReceiveMessageSize = 8 * 1024 * 1024,
    });

    public PartnerService.PartnerServiceClient Partners => new(Channel);

    public async Task<LoginResponse> LoginAsync(string username, string password) =>
        await Partners.LoginAsync(new LoginRequest { Username = username, Password = password });

    public Task<LoginResponse> LoginAsAdminAsync() => LoginAsync(AdminUsername, AdminPassword);

    public static Metadata Bearer(string accessToken) => new() { { "authorization", $"Bearer {accessToken}" } };

    public new async Task DisposeAsync()
    {
        _channel?.Dispose();
        await base.DisposeAsync();
        await AfterStopAsync();
    }
}
