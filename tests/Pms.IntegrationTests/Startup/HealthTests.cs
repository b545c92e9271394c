using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pms.Grpc.Data;
using Pms.IntegrationTests.Infrastructure;
using Pms.Testing;
using Xunit.Abstractions;

namespace Pms.IntegrationTests.Startup;

/// <summary>
/// Health tells the truth while PostgreSQL goes away and comes back under a running Pms.Grpc: /health and
/// grpc.health.v1 follow the database, /alive does not, and PMS recovers with no restart.
/// </summary>
public sealed class HealthTests(ITestOutputHelper output) : IAsyncLifetime
{
    private PostgresServer? _postgres;
    private string? _database;
    private PmsOnDatabase? _pms;

    private PostgresServer Postgres => _postgres!;

    private PmsOnDatabase Pms => _pms!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartOwnAsync();
        _database = await Postgres.CreateDatabaseAsync(nameof(HealthTests));
        _pms = new PmsOnDatabase(_database);
        await _pms.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (_pms is not null)
        {
            await _pms.DisposeAsync();
        }
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    [Fact]
    public async Task HealthFollowsPostgresDownAndBackWithoutARestart()
    {
        using var http = Pms.CreateClient();
        var grpcHealth = new Health.HealthClient(Pms.Channel);

        var healthy = await GetHealthAsync(http, "/health");
        Assert.Equal(HttpStatusCode.OK, healthy.Status);
        Assert.Equal("Healthy", healthy.Check("postgres"));
        Assert.Equal("Healthy", healthy.Check("migrations"));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await grpcHealth.CheckAsync(new HealthCheckRequest())).Status);
        await FillThePoolAsync(5);

        await Postgres.StopAsync();
        var down = await PollUntilAsync(http, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10));
        output.WriteLine($"503 after {down.After.TotalMilliseconds:0} ms: {down.Body}");
        Assert.Equal("Unhealthy", down.Body.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", down.Check("postgres"));
        Assert.Contains("PostgreSQL", down.Description("postgres"));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await grpcHealth.CheckAsync(new HealthCheckRequest())).Status);
        await RpcAssert.FailsAsync(StatusCode.Unavailable, "DATABASE_UNAVAILABLE", () => Pms.LoginAsAdminAsync());
        // The process itself is fine: a liveness probe must not get it restarted for a database outage.
        Assert.Equal(HttpStatusCode.OK, (await GetHealthAsync(http, "/alive")).Status);

        await Postgres.StartAsync();
        var up = await PollUntilAsync(http, HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        output.WriteLine($"200 after {up.After.TotalMilliseconds:0} ms: {up.Body}");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await grpcHealth.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetHealthAsync(http, "/alive")).Status);
        // Real calls work again at once: none of them meets a dead pooled connection.
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Pms.LoginAsAdminAsync()));
    }

    [Fact]
    public async Task RealCallsRecoverAfterARestartThatNoProbeSaw()
    {
        await FillThePoolAsync(5);

        // No health probe runs while PostgreSQL is away, so every pooled connection is dead while it looks idle.
        await Postgres.StopAsync();
        await Postgres.StartAsync();

        // The first command that meets a dead connection fails and drops the pool's others, whoever runs it: this client's
        // call, or PMS's mail sender, which polls every second and may get there first. So at most this client's first call
        // fails, and then with UNAVAILABLE DATABASE_UNAVAILABLE (never INTERNAL); every later call works. The count is the
        // contract, not a time: it holds however slow the machine is.
        var outcomes = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            try
            {
                await Pms.LoginAsAdminAsync();
                outcomes.Add("ok");
            }
            catch (RpcException ex)
            {
                outcomes.Add($"{ex.StatusCode} {ex.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason} ({ex.Status.Detail})");
            }
        }
        var sequence = string.Join(" | ", outcomes);
        output.WriteLine($"after the restart: {sequence}");
        Assert.True(outcomes[0] == "ok" || outcomes[0].StartsWith("Unavailable DATABASE_UNAVAILABLE", StringComparison.Ordinal),
            $"the first call after the restart must work or fail with UNAVAILABLE DATABASE_UNAVAILABLE: {sequence}\n{RecentLog()}");
        Assert.True(outcomes.Skip(1).All(o => o == "ok"),
            $"every call after the first must work (the first failure drops every dead connection): {sequence}\n{RecentLog()}");
    }

    private string RecentLog() => string.Join("\n", Pms.Logs.Lines.TakeLast(40));

    [Fact]
    public async Task HealthAnswersWithinSecondsWhenPostgresSitsBehindAProxyThatNoLongerAnswers()
    {
        // As under the AppHost: PMS reaches PostgreSQL through a proxy, which keeps accepting connections
        // after PostgreSQL is gone and then says nothing.
        await using var proxy = new SilentProxy(Postgres.Port);
        await using var pms = new PmsOnDatabase(new NpgsqlConnectionStringBuilder(_database) { Port = proxy.Port }.ConnectionString);
        await pms.InitializeAsync();
        using var http = pms.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await GetHealthAsync(http, "/health")).Status);

        proxy.Silence();
        await Postgres.StopAsync();
        var descriptions = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            var answer = await GetHealthAsync(http, "/health");
            output.WriteLine($"{(int)answer.Status} after {clock.ElapsedMilliseconds} ms: {answer.Description("postgres")}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"/health took {clock.Elapsed.TotalSeconds:0.0} s");
            descriptions.Add(answer.Description("postgres"));
        }
        Assert.Contains(descriptions, d => d.Contains("did not answer within 3 s", StringComparison.Ordinal));

        await Postgres.StartAsync();
        proxy.Forward();
        await PollUntilAsync(http, HttpStatusCode.OK, TimeSpan.FromSeconds(30));
    }

    /// <summary>Leaves <paramref name="count"/> idle connections in PMS's pool, for PostgreSQL's restart to kill.</summary>
    private async Task FillThePoolAsync(int count)
    {
        var scopes = Enumerable.Range(0, count).Select(_ => Pms.Services.CreateAsyncScope()).ToList();
        foreach (var scope in scopes)
        {
            await scope.ServiceProvider.GetRequiredService<PmsDbContext>().Database.OpenConnectionAsync();
        }
        foreach (var scope in scopes)
        {
            await scope.DisposeAsync();
        }
    }

    private static async Task<HealthAnswer> PollUntilAsync(HttpClient http, HttpStatusCode expected, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var answer = await GetHealthAsync(http, "/health");
            if (answer.Status == expected)
            {
                return answer with { After = clock.Elapsed };
            }
            Assert.True(clock.Elapsed < within, $"/health still answered {(int)answer.Status} {answer.Body} after {within.TotalSeconds} s; expected {(int)expected}.");
            await Task.Delay(250);
        }
    }

    private static async Task<HealthAnswer> GetHealthAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return new HealthAnswer(response.StatusCode, body);
    }

    private sealed record HealthAnswer(HttpStatusCode Status, JsonElement Body)
    {
        public TimeSpan After { get; init; }

        private JsonElement Entry(string name) =>
            Body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

        public string? Check(string name) => Entry(name).GetProperty("status").GetString();

        public string Description(string name) => Entry(name).GetProperty("description").GetString() ?? "";
    }

    private sealed class PmsOnDatabase(string connectionString) : PmsFactory
    {
        protected override string? ExistingDatabase => connectionString;
    }
}
