namespace Pms.Grpc.Identity;

/// <summary>The access token is genuine but its session is over.</summary>
public sealed class SessionEndedException(SessionState state) : Exception($"The session is {state.ToString().ToLowerInvariant()}.")
{
    public SessionState State { get; } = state;
}
