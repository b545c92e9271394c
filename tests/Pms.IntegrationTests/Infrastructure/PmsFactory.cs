using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
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

    private readonly string? _sharedDatabase;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private string? _connectionString;
    private GrpcChannel? _channel;

    public PmsFactory()
        : this(null, null)
    {
    }

    private PmsFactory(string? sharedDatabase, IReadOnlyDictionary<string, string?>? settings)
    {
        _sharedDatabase = sharedDatabase;
        _settings = settings ?? new Dictionary<string, string?>();
    }

    /// <summary>
    /// Another replica of Pms.Grpc on the same database as <paramref name="primary"/> (initialised), with its own
    /// caches and clock, and optionally extra configuration. Initialise it, and dispose of it, yourself.
    /// </summary>
    public static PmsFactory Replica(PmsFactory primary, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(primary.ConnectionString, settings);

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("Not initialised.");

    public GrpcChannel Channel => _channel ??= GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
    {
        HttpHandler = Server.CreateHandler(),
        MaxReceiveMessageSize = 8 * 1024 * 1024,
    });

    public async Task InitializeAsync()
    {
        _connectionString = _sharedDatabase ?? await (await PostgresServer.GetSharedAsync()).CreateDatabaseAsync(GetType().Name);
        _ = Server; // start now: migrations and the bootstrap admin happen here, not in the first test
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:pmsdb", ConnectionString);
        builder.UseSetting("ConnectionStrings:mail", "Endpoint=smtp://127.0.0.1:1");
        builder.UseSetting("Pms:BootstrapAdmin:Username", AdminUsername);
        builder.UseSetting("Pms:BootstrapAdmin:Password", AdminPassword);
        builder.UseSetting("Pms:Jwt:SigningKey", JwtSigningKey);
        builder.UseSetting("Pms:KeyEncryption:MasterKey", "integration-tests-master-key-0123456789abcdef");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }

    public PartnerService.PartnerServiceClient Partners => new(Channel);

    public async Task<LoginResponse> LoginAsync(string username, string password) =>
        await Partners.LoginAsync(new LoginRequest { Username = username, Password = password });

    public Task<LoginResponse> LoginAsAdminAsync() => LoginAsync(AdminUsername, AdminPassword);

    public static Metadata Bearer(string accessToken) => new() { { "authorization", $"Bearer {accessToken}" } };

    public new async Task DisposeAsync()
    {
        _channel?.Dispose();
        await base.DisposeAsync();
    }
}
