using Pms.Grpc.Errors;

namespace Pms.Grpc.Identity;

/// <summary>
/// Lets a few password checks (count, look-up, PBKDF2 hash) run at a time, two per core; the others wait
/// asynchronously, first come first served. PBKDF2 is deliberately slow CPU work: a burst of parallel sign-ins would
/// otherwise occupy every thread-pool thread and open a database connection each, starving everything else the
/// process does. Queued, they cost the same CPU but leave the rest responsive and the connection pool calm.
/// The queue is bounded (<see cref="QueuedPerSlot"/> waiting checks per slot, at least <see cref="MinimumQueued"/>): a check that finds it full is refused at
/// once with RESOURCE_EXHAUSTED SERVER_BUSY and a RetryInfo. A client told when to come back does better than one whose
/// deadline runs out in the queue (200 sign-ups at once on 2 cores did exactly that), and a count, unlike a time
/// limit, does not refuse work only because the machine is slow.
/// </summary>
public sealed class PasswordHashGate
{
    public const int QueuedPerSlot = 16;

    /// <summary>Never fewer waiting places than this, whatever the core count: a burst of 100 sign-ins (a botnet against one
    /// account) must still reach the per-account throttle and be counted there, not be shed here.</summary>
    public const int MinimumQueued = 128;

    private readonly SemaphoreSlim _slots;
    private readonly int _maxQueued;
    private int _queued;
    private long _completed;

    public PasswordHashGate() : this(Math.Max(2, 2 * Environment.ProcessorCount))
    {
    }

    internal PasswordHashGate(int slots, int? maxQueued = null)
    {
        _slots = new SemaphoreSlim(slots);
        _maxQueued = maxQueued ?? Math.Max(MinimumQueued, slots * QueuedPerSlot);
    }

    /// <summary>
    /// Password checks and hashes run since start. Paths that must not be told apart (a registration and an email
    /// clash, a wrong password and an unknown user) each add one; the tests compare them by this.
    /// </summary>
    public long Completed => Interlocked.Read(ref _completed);

    public async Task<T> RunAsync<T>(Func<Task<T>> check, CancellationToken cancellationToken)
    {
        if (!_slots.Wait(0))
        {
            if (Interlocked.Increment(ref _queued) > _maxQueued)
            {
                Interlocked.Decrement(ref _queued);
                throw PmsErrors.ResourceExhausted("SERVER_BUSY",
                    "PMS is busy checking other passwords right now; retry after the suggested delay.", ExceptionMappingInterceptor.ServerBusyRetryDelay);
            }
            try
            {
                await _slots.WaitAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _queued);
            }
        }
        try
        {
            return await check();
        }
        finally
        {
            Interlocked.Increment(ref _completed);
            _slots.Release();
        }
    }

    public Task<T> RunAsync<T>(Func<T> hash, CancellationToken cancellationToken) => RunAsync(() => Task.FromResult(hash()), cancellationToken);
}
