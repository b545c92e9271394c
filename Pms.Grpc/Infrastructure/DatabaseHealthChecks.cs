using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry;
using Pms.Grpc.Data;

namespace Pms.Grpc.Infrastructure;

/// <summary>
/// Readiness: PostgreSQL answers a query, and the schema has every migration this build knows. Both feed
/// <c>/health</c> and <c>grpc.health.v1</c>, so a probe, the Aspire dashboard and a gRPC client see one truth.
/// </summary>
public static class DatabaseHealthChecks
{
    public const string PostgresCheck = "postgres";
    public const string MigrationsCheck = "migrations";

    // A probe that waits longer than its caller is worse than none; PostgreSQL on a healthy host answers in milliseconds.
    internal static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(3);

    public static IHealthChecksBuilder AddDatabaseHealthChecks(this IHealthChecksBuilder builder)
    {
        builder.Services.AddSingleton<MigrationsHealthCheck>();
        return builder
            .AddCheck<PostgresHealthCheck>(PostgresCheck, HealthStatus.Unhealthy, ["ready"], QueryTimeout + TimeSpan.FromSeconds(1))
            .AddCheck<MigrationsHealthCheck>(MigrationsCheck, HealthStatus.Unhealthy, ["ready"], QueryTimeout + TimeSpan.FromSeconds(1));
    }

    /// <summary>Runs a probe query without tracing it: probes every few seconds would bury the traces of real calls.</summary>
    internal static async Task<T> UntracedAsync<T>(Func<Task<T>> probe)
    {
        using var suppressed = SuppressInstrumentationScope.Begin();
        return await probe();
    }

    /// <summary>Why PostgreSQL did not answer, in words safe for an anonymous reader (no host, no user, no SQL).</summary>
    internal static string Describe(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    return $"PostgreSQL refused the query ({postgres.SqlState}: {postgres.MessageText}).";
                case SocketException socket:
                    return $"cannot connect to PostgreSQL ({socket.SocketErrorCode}).";
                case TimeoutException or OperationCanceledException:
                    return $"PostgreSQL did not answer within {QueryTimeout.TotalSeconds:0} s.";
            }
        }
        return exception is NpgsqlException
            ? "the connection to PostgreSQL failed (it may have restarted)."
            : $"the database check failed ({exception.GetType().Name}).";
    }

    /// <summary>
    /// Drops the idle connections of PMS's pool. After PostgreSQL restarts, each pooled connection is dead
    /// but looks idle; left alone, every one of them would fail one request (or one probe) before the pool
    /// recovers. Clearing it on the first failure makes the next attempt open a fresh connection.
    /// </summary>
    internal static void ClearPool(PmsDbContext db)
    {
        if (db.Database.GetDbConnection() is NpgsqlConnection connection)
        {
            NpgsqlConnection.ClearPool(connection);
        }
    }
}

/// <summary>PostgreSQL answers <c>SELECT 1</c> through PMS's own connection pool.</summary>
internal sealed class PostgresHealthCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DatabaseHealthChecks.QueryTimeout);
        try
        {
            await DatabaseHealthChecks.UntracedAsync(() => db.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\"").SingleAsync(timeout.Token));
            return HealthCheckResult.Healthy("PostgreSQL answers.");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            DatabaseHealthChecks.ClearPool(db);
            return HealthCheckResult.Unhealthy(
                $"PMS cannot use its database: {DatabaseHealthChecks.Describe(ex)} Check that PostgreSQL is running and reachable (ConnectionStrings:pmsdb).",
                ex);
        }
    }
}

/// <summary>
/// The schema has every migration this build knows. Once true it stays true for the life of the process
/// (migrations only change with a new build), so the check then costs nothing.
/// </summary>
internal sealed class MigrationsHealthCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    private volatile bool _applied;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_applied)
        {
            return HealthCheckResult.Healthy("Every migration is applied.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DatabaseHealthChecks.QueryTimeout);
        try
        {
            var pending = (await DatabaseHealthChecks.UntracedAsync(() => db.Database.GetPendingMigrationsAsync(timeout.Token))).ToList();
            if (pending.Count > 0)
            {
                return HealthCheckResult.Unhealthy(
                    $"{pending.Count} migration(s) not applied ({string.Join(", ", pending)}); PMS applies them at start: restart it, or check its start-up log.");
            }
            _applied = true;
            return HealthCheckResult.Healthy("Every migration is applied.");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            DatabaseHealthChecks.ClearPool(db);
            return HealthCheckResult.Unhealthy($"cannot tell whether the migrations are applied: {DatabaseHealthChecks.Describe(ex)}", ex);
        }
    }
}
