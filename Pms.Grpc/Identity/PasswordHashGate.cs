using Pms.Grpc.Errors;

namespace Pms.Grpc.Identity;

/// <summary>
/// Lets a few password checks (count, look-up, PBKDF2 hash) run at a time, two per core; the others wait
/// asynchronously, first come first served. PBKDF2 is deliberately slow CPU work: a burst of parallel sign-ins would
/// otherwise occupy every thread-pool thread and open a database connection each, starving everything else the
/// process does. Queued, they cost the same CPU but leave the rest responsive and the connection pool calm.
/// A check that cannot start within <see cref="DefaultMaxWait"/> is shed with RESOURCE_EXHAUSTED SERVER_BUSY and a
/// RetryInfo: the queue ahead of it is more work than the replica can do soon, and a client told when to come back
/// does better than one whose deadline runs out in the queue (200 sign-ups at once on 2 cores did exactly that).
/// </summary>
public sealed class PasswordHashGate
{
    public static readonly TimeSpan DefaultMaxWait = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _slots;
    private readonly TimeSpan _maxWait;

    public PasswordHashGate() : this(Math.Max(2, 2 * Environment.ProcessorCount), DefaultMaxWait)
    {
    }

    internal PasswordHashGate(int slots, TimeSpan maxWait)
    {
        _slots = new SemaphoreSlim(slots);
        _maxWait = maxWait;
    }

    public async Task<T> RunAsync<T>(Func<Task<T>> check, CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(_maxWait, cancellationToken))
        {
            PmsErrors.ResourceExhausted("SERVER_BUSY",
                "PMS is busy checking other passwords right now; retry after the suggested delay.", ExceptionMappingInterceptor.ServerBusyRetryDelay);
        }
        try
        {
            return await check();
        }
        finally
        {
            _slots.Release();
        }
    }

    public Task<T> RunAsync<T>(Func<T> hash, CancellationToken cancellationToken) => RunAsync(() => Task.FromResult(hash()), cancellationToken);
}
