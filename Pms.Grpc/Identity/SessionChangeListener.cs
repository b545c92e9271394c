using Npgsql;

namespace Pms.Grpc.Identity;

/// <summary>
/// LISTENs on <see cref="SessionRegistry.Channel"/> on a dedicated connection (as the trust store and chip listeners do)
/// and hands every revocation, from any replica, to the <see cref="SessionRegistry"/>. While the connection is down the
/// registry caches nothing; on every (re)connect it starts from an empty cache.
/// </summary>
public sealed class SessionChangeListener(SessionRegistry registry, IConfiguration configuration, ILogger<SessionChangeListener> logger)
    : BackgroundService
{
    public const string ApplicationName = "pms-session-listener";

    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first LISTEN is in place.</summary>
    public Task Listening => _listening.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("pmsdb")
            ?? throw new InvalidOperationException("ConnectionStrings:pmsdb is not configured."))
        {
            // LISTEN belongs to the session: a pooled connection would carry it elsewhere.
            Pooling = false,
            KeepAlive = 15,
            ApplicationName = ApplicationName,
        }.ConnectionString;
        var delay = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += (_, e) => Dispatch(e.Payload);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {SessionRegistry.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                registry.ListenerConnected();
                _listening.TrySetResult();
                delay = TimeSpan.FromMilliseconds(500);
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
                break;
            }
            catch (Exception ex)
            {
                // Never let the listener die: without it every check goes to the database, which is correct but slower.
                registry.ListenerLost();
                logger.LogWarning("Session change listener lost its connection ({Message}); reconnecting in {Delay}", ex.Message, delay);
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
        registry.ListenerLost();
    }

    internal void Dispatch(string payload)
    {
        if (payload.Length > 2 && Guid.TryParse(payload.AsSpan(2), out var id))
        {
            switch (payload[0])
            {
                case 's':
                    registry.Revoked(id, null);
                    return;
                case 'u':
                    registry.Revoked(null, id);
                    return;
            }
        }
        logger.LogWarning("Ignored a malformed notification on {Channel}", SessionRegistry.Channel);
    }

    /// <summary>The payloads <see cref="SessionService"/> sends.</summary>
    public static string SessionPayload(Guid sessionId) => "s:" + sessionId;

    public static string UserPayload(Guid userId) => "u:" + userId;
}
