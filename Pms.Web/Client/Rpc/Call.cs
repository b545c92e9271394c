using Grpc.Core;

namespace Pms.Web.Client.Rpc;

/// <summary>Defaults for the portal's calls.</summary>
public static class Call
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Every unary call gets a deadline, so a stuck call ends in a message instead of a spinner forever.</summary>
    public static DateTime Deadline() => DateTime.UtcNow + Timeout;

    /// <summary>Runs a call whose failure the page shows in place (a card, a panel) rather than for the whole screen.</summary>
    public static async Task<Outcome<T>> TryAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return new Outcome<T>(await call(), null);
        }
        catch (RpcException ex)
        {
            return new Outcome<T>(default, RpcProblem.From(ex));
        }
    }
}

/// <summary>A call's answer, or why there is none.</summary>
public sealed record Outcome<T>(T? Value, RpcProblem? Problem)
{
    public bool Succeeded => Problem is null;
}
