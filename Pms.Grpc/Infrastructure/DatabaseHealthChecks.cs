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

    /// <summary>
    /// Runs a probe query in a scope of its own, untraced (probes every few seconds would bury the traces of
    /// real calls) and bounded by <see cref="QueryTimeout"/> even where Npgsql does not honour cancellation:
    /// opening a connection through a proxy whose PostgreSQL is gone (Aspire's endpoint proxy) waits out the
    /// connection string's Timeout, 15 s by default. An abandoned attempt keeps its DbContext until it ends.
    /// On failure the pool is cleared (see <see cref="ClearPool"/>) and the exception is rethrown.
    /// </summary>
    internal static async Task<T> ProbeAsync<T>(IServiceScopeFactory scopes, Func<PmsDbContext, CancellationToken, Task<T>> probe,
        CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(QueryTimeout);
        Task<T> attempt;
        using (SuppressInstrumentationScope.Begin())
        {
            attempt = probe(db, timeout.Token);
        }
        try
        {
            var result = await attempt.WaitAsync(QueryTimeout, cancellationToken);
            await scope.DisposeAsync();
            return result;
        }
        catch (Exception) when (!attempt.IsCompleted)
        {
            ClearPool(db);
            _ = attempt.ContinueWith(async ended =>
            {
                _ = ended.Exception; // observed: its failure is already reported as this check's result
                await scope.DisposeAsync();
            }, TaskScheduler.Default);
            throw;
        }
        catch (Exception)
        {
            ClearPool(db);
            await scope.DisposeAsync();
            throw;
        }
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
