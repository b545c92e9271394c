using Grpc.Core;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;

namespace Pms.UnitTests.Identity;

public sealed class PasswordHashGateTests
{
    [Fact]
    public async Task ACheckThatFindsTheQueueFullIsToldServerBusyWithARetryDelayWhileQueuedOnesStillRun()
    {
        var gate = new PasswordHashGate(slots: 1, maxQueued: 1);
        var holding = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = gate.RunAsync(() => holding.Task, CancellationToken.None);
        var queued = gate.RunAsync(() => 2, CancellationToken.None);
        Assert.False(queued.IsCompleted);

        var busy = await Assert.ThrowsAsync<PmsException>(() => gate.RunAsync(() => 3, CancellationToken.None));
        Assert.Equal((StatusCode.ResourceExhausted, "SERVER_BUSY"), (busy.StatusCode, busy.Reason));
        Assert.True(busy.RetryDelay > TimeSpan.Zero, $"retry delay {busy.RetryDelay}");

        holding.SetResult(1);
        Assert.Equal(1, await running);
        Assert.Equal(2, await queued);
        Assert.Equal(4, await gate.RunAsync(() => 4, CancellationToken.None));
    }
}
