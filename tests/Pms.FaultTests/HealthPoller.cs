using System.Collections.Concurrent;
using System.Net;

namespace Pms.FaultTests;

/// <summary>One GET /health: when it started and ended (on the load's clock) and what it answered.</summary>
public sealed record HealthPoll(TimeSpan Started, TimeSpan Ended, string Answer)
{
    public bool Healthy => Answer == "200";
}

/// <summary>Asks a replica's <c>/health</c> every 200 ms, as a readiness probe would, and keeps every answer.</summary>
public sealed class HealthPoller
{
    private readonly ConcurrentQueue<HealthPoll> _polls = new();
    private Task _running = Task.CompletedTask;

    public IReadOnlyList<HealthPoll> Polls => [.. _polls];

    public static HealthPoller Start(Uri httpAddress, WriteLoad clock, CancellationToken stop)
    {
        var poller = new HealthPoller();
        poller._running = poller.RunAsync(httpAddress, clock, stop);
        return poller;
    }

    public async Task<IReadOnlyList<HealthPoll>> StopAsync()
    {
        await _running;
        return Polls;
    }

    private async Task RunAsync(Uri httpAddress, WriteLoad clock, CancellationToken stop)
    {
        // A probe's own timeout: PMS answers /health within about 3 s even when PostgreSQL does not (docs/health.md).
        using var http = new HttpClient { BaseAddress = httpAddress, Timeout = TimeSpan.FromSeconds(10) };
        while (!stop.IsCancellationRequested)
        {
            var started = clock.Now;
            string answer;
            try
            {
                using var response = await http.GetAsync("/health", CancellationToken.None);
                answer = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                answer = ex.GetType().Name;
            }
            _polls.Enqueue(new HealthPoll(started, clock.Now, answer));
            try
            {
                await Task.Delay(200, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
