namespace Pms.Grpc.Identity;

/// <summary>
/// Lets a few password checks (count, look-up, PBKDF2 hash) run at a time, two per core; the others wait
/// asynchronously, first come first served. PBKDF2 is deliberately slow CPU work: a burst of parallel sign-ins would
/// otherwise occupy every thread-pool thread and open a database connection each, starving everything else the
/// process does. Queued, they cost the same CPU but leave the rest responsive and the connection pool calm.
/// </summary>
public sealed class PasswordHashGate
{
    private readonly SemaphoreSlim _slots = new(Math.Max(2, 2 * Environment.ProcessorCount));
    private long _completed;

    /// <summary>
    /// Password checks and hashes run since start. Paths that must not be told apart (a registration and an email
    /// clash, a wrong password and an unknown user) each add one; the tests compare them by this.
    /// </summary>
    public long Completed => Interlocked.Read(ref _completed);

    public async Task<T> RunAsync<T>(Func<Task<T>> check, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
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
