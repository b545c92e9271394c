using Grpc.Core;

namespace Pms.Grpc.Identity;

public static class ServerCallContextExtensions
{
    /// <summary>The authenticated caller. <c>[Authorize]</c> on the RPC has already refused anonymous callers.</summary>
    public static CurrentUser GetCurrentUser(this ServerCallContext context) =>
        CurrentUser.From(context.GetHttpContext().User);
}
