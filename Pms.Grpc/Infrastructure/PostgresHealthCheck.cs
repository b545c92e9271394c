using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Pms.Grpc.Infrastructure;

/// <summary>PostgreSQL answers <c>SELECT 1</c> through PMS's own connection pool.</summary>
internal sealed class PostgresHealthCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await DatabaseHealthChecks.ProbeAsync(scopes,
                (db, token) => db.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\"").SingleAsync(token), cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL answers.");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return HealthCheckResult.Unhealthy(
                $"PMS cannot use its database: {DatabaseHealthChecks.Describe(ex)} Check that PostgreSQL is running and reachable (ConnectionStrings:pmsdb).",
                ex);
        }
    }
}
