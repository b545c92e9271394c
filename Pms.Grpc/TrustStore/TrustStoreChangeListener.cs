using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Pms.Grpc.Configuration;
using Pms.Grpc.Data;
using Pms.Grpc.Partners;

namespace Pms.Grpc.TrustStore;

/// <summary>
/// Keeps this replica's trust store snapshots in step with the others. An upload sends
/// <c>NOTIFY pms_trust_store, '&lt;DOMAIN&gt;'</c> when it commits; this service LISTENs on a connection of its own
/// (reconnecting with backoff when it drops) and invalidates the named domain. Because a notification can be
/// lost while the connection is down, every (re)connect invalidates everything, and a cheap version check runs
/// every <see cref="TrustStoreOptions.ConsistencyCheckInterval"/> whatever the connection does. The same connection
/// also LISTENs on <see cref="PartnerAccessCache.Channel"/>, so a partner's deactivation or consent on one replica
/// reaches the others' access gate caches.
/// </summary>
public sealed class TrustStoreChangeListener(
    TrustAnchors anchors,
    PartnerAccessCache partnerAccess,
    IServiceScopeFactory scopes,
    IOptions<PmsOptions> options,
    ILogger<TrustStoreChangeListener> logger) : BackgroundService
{
    /// <summary>The PostgreSQL notification channel; the payload is the domain name (FTM, DEVICE, AUTH).</summary>
    public const string Channel = "pms_trust_store";

    /// <summary>The listening connection's application_name, so operators can tell it apart in pg_stat_activity.</summary>
    public const string ApplicationName = "pms-trust-store-listener";

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _connections;

    /// <summary>Completes once the first LISTEN is in place (tests wait for it before relying on notifications).</summary>
    public Task Listening => _listening.Task;

    /// <summary>How many times a LISTEN has been put in place (1 + reconnections).</summary>
    public int Connections => Volatile.Read(ref _connections);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.TrustStore;
        var loops = new List<Task> { CheckPeriodicallyAsync(settings.ConsistencyCheckInterval, stoppingToken) };
        if (settings.ListenForChanges)
        {
            loops.Add(ListenAsync(stoppingToken));
        }

        return Task.WhenAll(loops);
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var connectionString = ListenerConnectionString();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += OnNotification;
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}; LISTEN {PartnerAccessCache.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Whatever changed while we were not listening was missed: start over from the database.
                anchors.InvalidateAll("listener_connected");
                partnerAccess.InvalidateAll();
                if (failures > 0)
                {
                    logger.LogInformation("Listening for trust store changes again after {Failures} failed attempt(s)", failures);
                }

                failures = 0;
                Interlocked.Increment(ref _connections);
                _listening.TrySetResult();
                while (!stoppingToken.IsCancellationRequested)
                {
                    // The timeout makes a silently dead connection surface as an error from the keepalive query.
                    if (!await connection.WaitAsync(TimeSpan.FromSeconds(30), stoppingToken))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Whatever went wrong, the listener must not die (that would stop the host): back off and reconnect.
                failures++;
                var delay = Backoff(failures);
                logger.LogWarning("Trust store change listener lost its connection ({Message}); reconnecting in {Delay:0.0} s",
                    ex.Message, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == PartnerAccessCache.Channel)
        {
            if (Guid.TryParse(e.Payload, out var partnerId))
            {
                partnerAccess.Invalidate(partnerId);
            }
            else
            {
                partnerAccess.InvalidateAll();
            }

            return;
        }

        if (TrustAnchors.TryParseDomainName(e.Payload, out var domain))
        {
            anchors.Invalidate(domain, "notification");
        }
        else
        {
            // Unknown payload: be safe rather than stale.
            anchors.InvalidateAll("notification");
        }
    }

    private async Task CheckPeriodicallyAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        // Real time on purpose: the injected TimeProvider is business time, which tests stop and move.
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await anchors.InvalidateChangedAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning("Trust store consistency check failed ({Message}); trying again in {Interval}", ex.Message, interval);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private string ListenerConnectionString()
    {
        using var scope = scopes.CreateScope();
        var connectionString = scope.ServiceProvider.GetRequiredService<PmsDbContext>().Database.GetConnectionString()
            ?? throw new InvalidOperationException("The pmsdb connection string is not configured.");
        // A dedicated, unpooled connection: LISTEN belongs to the session, and a pooled connection would carry it elsewhere.
        return new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 15, ApplicationName = ApplicationName }.ConnectionString;
    }

    // 1, 2, 4, ... seconds up to 30, with jitter so replicas do not reconnect in lockstep.
    private static TimeSpan Backoff(int failures)
    {
        var seconds = Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failures - 1, 5)));
        return TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }
}
