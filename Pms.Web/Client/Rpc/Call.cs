using Grpc.Core;

namespace Pms.Web.Client.Rpc;

/// <summary>
/// The one way pages call the server: a refusal comes back as an <see cref="RpcProblem"/> to show, never as an exception
/// to catch. Deadlines are not set here but once for every unary call (<see cref="DefaultDeadlineInterceptor"/>).
/// </summary>
public static class Call
{
    /// <summary>Runs a call that answers something; a refusal is the outcome's <see cref="Outcome{T}.Problem"/>.</summary>
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

    /// <summary>The same for a generated client's call, e.g. <c>Call.TryAsync(() =&gt; Chips.GetFtmChipAsync(request))</c>.</summary>
    public static Task<Outcome<T>> TryAsync<T>(Func<AsyncUnaryCall<T>> call) => TryAsync(async () => await call());

    /// <summary>Runs work that answers nothing the page keeps (or keeps it itself): null when it worked, else why not.</summary>
    public static async Task<RpcProblem?> RunAsync(Func<Task> work)
    {
        try
        {
            await work();
            return null;
        }
        catch (RpcException ex)
        {
            return RpcProblem.From(ex);
        }
    }
}

/// <summary>A call's answer, or why there is none.</summary>
public sealed record Outcome<T>(T? Value, RpcProblem? Problem)
{
    public bool Succeeded => Problem is null;
}
