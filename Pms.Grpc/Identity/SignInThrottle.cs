using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Pms.Grpc.Configuration;
using Pms.Grpc.Data;
using Pms.Grpc.Errors;

namespace Pms.Grpc.Identity;

/// <summary>A password check counted against a username: the count in its window after this one, and when the window ends.</summary>
public sealed record SignInAttempt(string NormalizedUsername, int Count, DateTimeOffset WindowStart, DateTimeOffset WindowEnd);

/// <summary>
/// Bounds password checks per username across every client and replica, instead of locking the account: the
/// count lives in <c>sign_in_attempts</c> and is raised by one atomic upsert before the hash is computed, so N
/// parallel guesses count N and the (limit + 1)-th in a window is refused without checking the password. A check
/// that succeeds gives its count back. Unknown usernames are counted the same way, so the answers and the work
/// done reveal nothing about which accounts exist.
/// </summary>
public sealed class SignInThrottle(PmsDbContext db, IOptions<PmsOptions> options, TimeProvider time)
{
    private const string CountSql = """
        INSERT INTO sign_in_attempts AS a (normalized_username, window_start, count)
        VALUES (@username, @now, 1)
        ON CONFLICT (normalized_username) DO UPDATE SET
            count = CASE WHEN a.window_start <= @now - @window THEN 1 ELSE a.count + 1 END,
            window_start = CASE WHEN a.window_start <= @now - @window THEN @now ELSE a.window_start END
        RETURNING count, window_start
        """;

    private RateLimitRule Rule => options.Value.RateLimits.PasswordChecksPerAccount;

    /// <summary>Counts one password check, or refuses it (RESOURCE_EXHAUSTED <c>SIGN_IN_THROTTLED</c>) when the username has had its share.</summary>
    public async Task<SignInAttempt> CountAsync(string normalizedUsername, CancellationToken cancellationToken)
    {
        var rule = Rule;
        var now = time.GetUtcNow();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        SignInAttempt attempt;
        try
        {
            await using var command = new NpgsqlCommand(CountSql, connection);
            command.Parameters.AddWithValue("username", normalizedUsername);
            command.Parameters.AddWithValue("now", now);
            command.Parameters.AddWithValue("window", rule.Window);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var windowStart = reader.GetFieldValue<DateTimeOffset>(1);
            attempt = new SignInAttempt(normalizedUsername, reader.GetInt32(0), windowStart, windowStart + rule.Window);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        if (attempt.Count > rule.PermitLimit)
        {
            var wait = attempt.WindowEnd - now;
            throw PmsErrors.ResourceExhausted("SIGN_IN_THROTTLED",
                $"Too many sign-in attempts for this account; try again in {Math.Max(1, Math.Ceiling(wait.TotalSeconds)):0} s.", wait);
        }
        return attempt;
    }

    /// <summary>Gives back the count of a check that succeeded, so the owner's own sign-ins never use up the window.</summary>
    public Task GiveBackAsync(SignInAttempt attempt, CancellationToken cancellationToken) =>
        db.SignInAttempts
            .Where(a => a.NormalizedUsername == attempt.NormalizedUsername && a.WindowStart == attempt.WindowStart && a.Count > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Count, a => a.Count - 1), cancellationToken);

    /// <summary>Forgets the username's count (after a password reset or a break-glass reset).</summary>
    public Task ClearAsync(string normalizedUsername, CancellationToken cancellationToken) =>
        db.SignInAttempts.Where(a => a.NormalizedUsername == normalizedUsername).ExecuteDeleteAsync(cancellationToken);

    /// <summary>The count in the username's current window (0 when none), for tests and operators.</summary>
    public async Task<int> CurrentCountAsync(string normalizedUsername, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - Rule.Window;
        return await db.SignInAttempts.AsNoTracking()
            .Where(a => a.NormalizedUsername == normalizedUsername && a.WindowStart > since)
            .Select(a => a.Count)
            .FirstOrDefaultAsync(cancellationToken);
    }
}
