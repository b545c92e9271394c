namespace Pms.Grpc.Data.Entities;

/// <summary>
/// Password checks against one username (whether or not an account has it) in the current window. Each check is
/// counted before the hash is computed and given back when it succeeds, so parallel guesses cannot out-run the limit.
/// </summary>
public class SignInAttempts
{
    public required string NormalizedUsername { get; set; }
    public DateTimeOffset WindowStart { get; set; }
    public int Count { get; set; }
}
