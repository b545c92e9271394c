using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>What to tell the user when a resource fails to start, shown under the resource's last log lines.</summary>
internal sealed record FailureAdviceAnnotation(string Advice) : IResourceAnnotation;

internal static class StartupWatcherExtensions
{
    /// <summary>
    /// Aspire's <c>WaitFor</c> waits for ever when the awaited resource fails: the dashboard shows it, the console
    /// says nothing. The watcher turns such a failure into a message on the console and a non-zero exit code.
    /// </summary>
    public static IDistributedApplicationBuilder AddStartupWatcher(this IDistributedApplicationBuilder builder)
    {
        var outcome = new StartupOutcome();
        builder.Services.AddSingleton(outcome);
        builder.Services.AddSingleton<StartupWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StartupWatcher>());
        // The watcher stops the AppHost while Aspire is still starting resources, so the host reports its start as
        // cancelled, with a stack trace that would bury the watcher's message. That cancellation is ours: not shown.
        builder.Services.AddLogging(logging => logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host",
            level => level >= LogLevel.Information && !(outcome.Failed && level >= LogLevel.Error)));
        return builder;
    }

    /// <summary>Runs the AppHost; returns 1 when the watcher stopped it because a resource failed to start, else 0.</summary>
    public static async Task<int> RunUntilStoppedAsync(this DistributedApplication app)
    {
        var outcome = app.Services.GetRequiredService<StartupOutcome>();
        try
        {
            await app.RunAsync();
        }
        catch (OperationCanceledException) when (outcome.Failed)
        {
            // The start was cancelled by the watcher, which said why.
        }
        return outcome.Failed ? 1 : 0;
    }

    public static IResourceBuilder<T> WithFailureAdvice<T>(this IResourceBuilder<T> resource, string advice)
        where T : IResource => resource.WithAnnotation(new FailureAdviceAnnotation(advice));
}

/// <summary>Set once a resource failed to start; read by the exit code and the log filter.</summary>
internal sealed class StartupOutcome
{
    private int _failed;

    public bool Failed => Volatile.Read(ref _failed) != 0;

    /// <returns>true for the first caller only.</returns>
    public bool TryFail() => Interlocked.Exchange(ref _failed, 1) == 0;
}

/// <summary>
/// Follows every resource that takes part in a <c>WaitFor</c>/<c>WaitForCompletion</c> until it is up (healthy, or
/// finished with the expected exit code for one-shot resources). If one exits, fails to start, or is not up within
/// <c>Pms:Startup:Timeout</c> of starting, it logs the resource, its last log lines and what to do, then stops the AppHost.
/// </summary>
internal sealed partial class StartupWatcher(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ResourceLoggerService resourceLogs,
    IHostApplicationLifetime lifetime,
    IConfiguration configuration,
    StartupOutcome outcome,
    ILogger<StartupWatcher> logger) : IHostedLifecycleService, IDisposable
{
    public const string TimeoutKey = "Pms:Startup:Timeout";
    private const int LogLinesShown = 15;
    private const int MaxLineLength = 300;
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);

    private readonly CancellationTokenSource _stopping = new();
    private static TimeSpan SinceProcessStart
    {
        get
        {
            using var self = Process.GetCurrentProcess();
            return DateTime.Now - self.StartTime;
        }
    }
    private Task _watching = Task.CompletedTask;
    private IReadOnlyList<Watched> _watched = [];

    // Starting, not Start: Aspire's orchestrator does not finish StartAsync until every resource has started, which
    // is exactly what never happens when a resource that others wait for fails.
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _watching = Task.Run(() => WatchAllAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => _stopping.CancelAsync();

    public async Task StopAsync(CancellationToken cancellationToken) =>
        await _watching.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _stopping.Dispose();

    private async Task WatchAllAsync(CancellationToken stoppingToken)
    {
        var timeout = configuration.GetValue(TimeoutKey, DefaultTimeout);
        var watched = WatchedResources();
        if (watched.Count == 0)
        {
            return;
        }

        _watched = watched;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var outcomes = await Task.WhenAll(watched.Select(w => WatchAsync(w, timeout, stop)));
        if (outcomes.All(up => up))
        {
            logger.LogInformation("All {Count} resources are up, {Seconds:0.0} s after the AppHost started.", watched.Count, SinceProcessStart.TotalSeconds);
        }
    }

    private sealed record Watched(IResource Resource, bool OneShot, bool HealthyNeeded, int ExpectedExitCode);

    /// <summary>Resources that something waits for, and those that wait: the chain a user waits on.</summary>
    private List<Watched> WatchedResources()
    {
        var waits = model.Resources
            .SelectMany(waiter => waiter.Annotations.OfType<WaitAnnotation>().Select(wait => (waiter, wait)))
            .ToList();
        var involved = waits.SelectMany(w => new[] { w.waiter, w.wait.Resource }).Distinct().Where(IsRunnable);
        return involved.Select(resource =>
        {
            var completion = waits.FirstOrDefault(w => w.wait.Resource == resource && w.wait.WaitType == WaitType.WaitForCompletion);
            var onlyStarted = waits.Any(w => w.wait.Resource == resource) &&
                waits.Where(w => w.wait.Resource == resource).All(w => w.wait.WaitType == WaitType.WaitUntilStarted);
            return new Watched(resource, completion.waiter is not null, !onlyStarted, completion.wait?.ExitCode ?? 0);
        }).ToList();
    }

    private static bool IsRunnable(IResource resource) =>
        resource is ProjectResource or ExecutableResource or ContainerResource;

    /// <returns>true when the resource came up; false when it failed (and the AppHost is stopping) or the AppHost stopped.</returns>
    private async Task<bool> WatchAsync(Watched watched, TimeSpan timeout, CancellationTokenSource stop)
    {
        var name = watched.Resource.Name;
        try
        {
            // The clock starts when the resource starts, not while it waits for its own dependencies.
            var started = await notifications.WaitForResourceAsync(name, e => HasStarted(e.Snapshot), stop.Token);
            var startedAt = SinceProcessStart;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            deadline.CancelAfter(timeout);
            ResourceEvent outcome;
            try
            {
                outcome = await notifications.WaitForResourceAsync(name, e => IsUp(watched, e.Snapshot) || HasFailed(watched, e.Snapshot), deadline.Token);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                var what = watched.OneShot ? "has not finished" : "is not healthy";
                await FailAsync(watched, started.ResourceId, $"{what} {timeout.TotalSeconds:0} s after it started", timedOut: true, stop);
                return false;
            }

            outcome = await WithExitCodeAsync(name, outcome, stop.Token);
            if (IsUp(watched, outcome.Snapshot))
            {
                logger.LogDebug("'{Resource}' is up {Seconds:0.00} s after the AppHost started ({Took:0.00} s after its own start).",
                    name, SinceProcessStart.TotalSeconds, (SinceProcessStart - startedAt).TotalSeconds);
                return true;
            }

            await FailAsync(watched, outcome.ResourceId, Describe(outcome.Snapshot), timedOut: false, stop);
            return false;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return false; // the AppHost is stopping: Ctrl+C, or another resource failed first
        }
    }

    /// <summary>
    /// DCP may publish a process's end (Finished, Exited) before its exit code; judging that snapshot would call a
    /// successful one-shot resource failed, or say "stopped" where it could say "exited with code N". Waits briefly for the code.
    /// </summary>
    private async Task<ResourceEvent> WithExitCodeAsync(string name, ResourceEvent ended, CancellationToken stoppingToken)
    {
        var state = ended.Snapshot.State?.Text;
        if (ended.Snapshot.ExitCode is not null || (state != KnownResourceStates.Finished && state != KnownResourceStates.Exited))
        {
            return ended;
        }
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        bounded.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            return await notifications.WaitForResourceAsync(name, e => e.Snapshot.ExitCode is not null, bounded.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return ended;
        }
    }

    private static bool HasStarted(CustomResourceSnapshot s) =>
        s.State?.Text is { Length: > 0 } state && state != KnownResourceStates.Waiting && state != KnownResourceStates.NotStarted;

    private static bool IsTerminal(CustomResourceSnapshot s) =>
        s.State?.Text is { } state && (KnownResourceStates.TerminalStates.Contains(state) || state == KnownResourceStates.RuntimeUnhealthy);

    private static bool IsUp(Watched watched, CustomResourceSnapshot s) => watched.OneShot
        ? IsTerminal(s) && s.ExitCode == watched.ExpectedExitCode
        : s.State?.Text == KnownResourceStates.Running &&
            (!watched.HealthyNeeded || s.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy);

    // A service that ends, even with exit code 0, has failed: others wait for it to serve.
    private static bool HasFailed(Watched watched, CustomResourceSnapshot s) => IsTerminal(s) && !IsUp(watched, s);

    private static string Describe(CustomResourceSnapshot s) => s.State?.Text switch
    {
        var state when state == KnownResourceStates.FailedToStart => "failed to start",
        var state when state == KnownResourceStates.RuntimeUnhealthy => "could not be started: the container runtime is unhealthy",
        _ when s.ExitCode is { } code => $"exited with code {code}",
        var state => $"stopped ({state})",
    };

    private async Task FailAsync(Watched watched, string resourceId, string what, bool timedOut, CancellationTokenSource stop)
    {
        // A resource whose dependency failed is refused its start too (FailedToStart), often before the dependency's
        // own watcher has seen the failure: the cause speaks, not its consequence.
        if (!timedOut && FailedDependency(watched.Resource) is not null)
        {
            return;
        }
        // Only the first failure speaks; the others are its consequences.
        if (!outcome.TryFail())
        {
            return;
        }

        var name = watched.Resource.Name;
        var blocked = Dependents(watched.Resource);
        var message = new StringBuilder();
        message.Append($"Resource '{name}' {what}");
        message.AppendLine(blocked.Count == 0 ? "." : $"; {string.Join(", ", blocked)} cannot start without it.");

        var lines = await LastLogLinesAsync(resourceId);
        if (lines.Count == 0)
        {
            message.AppendLine($"'{name}' wrote nothing to its log.");
        }
        else
        {
            message.AppendLine($"Last {lines.Count} log lines of '{name}':");
            foreach (var line in lines)
            {
                message.AppendLine($"  | {line}");
            }
        }

        var advice = watched.Resource.Annotations.OfType<FailureAdviceAnnotation>().LastOrDefault()?.Advice
            ?? $"Read '{name}''s log above (or in the dashboard), fix the cause, then start the AppHost again.";
        message.AppendLine($"What to do: {advice}");
        if (timedOut)
        {
            message.AppendLine($"If it only needs longer, allow more time with --{TimeoutKey}=00:10:00 (now {Format(configuration.GetValue(TimeoutKey, DefaultTimeout))}).");
        }
        message.Append("The AppHost stops with exit code 1.");

        logger.LogError("{Failure}", message.ToString());
        await stop.CancelAsync();
        lifetime.StopApplication();
    }

    private static string Format(TimeSpan t) => t.ToString("c");

    /// <summary>Drops the timestamp DCP puts before each line and Aspire's start-up note; shortens very long lines.</summary>
    private static string? Tidy(string line)
    {
        var text = LeadingTimestamp().Replace(line, "").TrimEnd();
        if (text.StartsWith("No custom certificate authorities to configure", StringComparison.Ordinal))
        {
            return null;
        }
        return text.Length <= MaxLineLength ? text : string.Concat(text.AsSpan(0, MaxLineLength), " …");
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T[0-9:.]+Z ")]
    private static partial Regex LeadingTimestamp();

    /// <summary>A resource that <paramref name="resource"/> waits for, directly or through others, and that has failed.</summary>
    private IResource? FailedDependency(IResource resource)
    {
        var seen = new HashSet<IResource>();
        var queue = new Queue<IResource>([resource]);
        while (queue.TryDequeue(out var current))
        {
            foreach (var dependency in current.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource))
            {
                if (!seen.Add(dependency))
                {
                    continue;
                }
                var watched = _watched.FirstOrDefault(w => w.Resource == dependency);
                if (watched is not null && notifications.TryGetCurrentState(dependency.Name, out var state) &&
                    state.Snapshot is { } snapshot && HasFailed(watched, snapshot))
                {
                    return dependency;
                }
                queue.Enqueue(dependency);
            }
        }
        return null;
    }

    /// <summary>Every resource that waits, directly or through others, for <paramref name="failed"/>.</summary>
    private List<string> Dependents(IResource failed)
    {
        var result = new List<string>();
        var queue = new Queue<IResource>([failed]);
        while (queue.TryDequeue(out var current))
        {
            foreach (var waiter in model.Resources.Where(r => r.Annotations.OfType<WaitAnnotation>().Any(w => w.Resource == current)))
            {
                if (!result.Contains(waiter.Name) && waiter != failed)
                {
                    result.Add(waiter.Name);
                    queue.Enqueue(waiter);
                }
            }
        }
        return result;
    }

    private async Task<List<string>> LastLogLinesAsync(string resourceId)
    {
        var last = new Queue<string>();
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await foreach (var batch in resourceLogs.GetAllAsync(resourceId).WithCancellation(bounded.Token))
            {
                foreach (var line in batch.Select(l => Tidy(l.Content)).Where(l => l is not null))
                {
                    last.Enqueue(line!);
                    if (last.Count > LogLinesShown)
                    {
                        last.Dequeue();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Whatever arrived in 5 s is shown: the message must not wait on the log.
        }
        return [.. last];
    }
}
