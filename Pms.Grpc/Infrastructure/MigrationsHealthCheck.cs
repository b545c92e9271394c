using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Pms.Grpc.Infrastructure;

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

        try
        {
            var pending = (await DatabaseHealthChecks.ProbeAsync(scopes,
                (db, token) => db.Database.GetPendingMigrationsAsync(token), cancellationToken)).ToList();
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
            return HealthCheckResult.Unhealthy($"cannot tell whether the migrations are applied: {DatabaseHealthChecks.Describe(ex)}", ex);
        }
    }
}
