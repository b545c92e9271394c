using System.Text.Json;
using Grpc.Core;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;

namespace Pms.Grpc.Auditing;

/// <summary>
/// Records certificate uploads that PMS refused (bad certificate, broken rule, wrong state), so repeated attempts
/// with forged or foreign certificates are visible in the audit log. The row is written from a scope of its own,
/// so nothing the refused upload had staged can be saved with it.
/// </summary>
public sealed class RefusedUploads(IServiceScopeFactory scopes)
{
    public async Task<T> AuditRefusalAsync<T>(CurrentUser caller, string action, string resourceType, string resourceId,
        Func<Task<T>> upload, CancellationToken cancellationToken)
    {
        try
        {
            return await upload();
        }
        catch (Exception ex) when (Refusal(ex) is { } refusal)
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IAuditLog>().RecordAsync(new AuditEntry(action, resourceType,
                resourceId.Length > 64 ? resourceId[..64] : resourceId, caller.UserId, caller.Username,
                Outcome: AuditEntry.Failure,
                Comment: refusal.Message.Length > 500 ? refusal.Message[..500] : refusal.Message,
                DetailJson: JsonSerializer.Serialize(new { reason = refusal.Reason, code = refusal.StatusCode.ToString() })), cancellationToken);
            throw;
        }
    }

    // The client-caused refusals worth recording; throttling and sign-in problems are recorded elsewhere or not at all.
    private static PmsException? Refusal(Exception exception) => exception switch
    {
        PmsException { StatusCode: StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.NotFound or StatusCode.PermissionDenied } pms => pms,
        _ => null,
    };
}
