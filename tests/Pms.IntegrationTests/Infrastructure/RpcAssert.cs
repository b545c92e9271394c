using Google.Rpc;
using Grpc.Core;

namespace Pms.IntegrationTests.Infrastructure;

/// <summary>Asserts a call failed the way a client would see it: status code, ErrorInfo reason, MOSIP code.</summary>
public static class RpcAssert
{
    public static async Task<ErrorInfo> FailsAsync(StatusCode expected, string expectedReason, Func<Task> call, string? mosipErrorCode = null)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(expected, ex.StatusCode);
        var status = ex.GetRpcStatus();
        Assert.NotNull(status);
        var info = status.GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal("pms.mosip.io", info.Domain);
        Assert.Equal(expectedReason, info.Reason);
        if (mosipErrorCode is not null)
        {
            Assert.Equal(mosipErrorCode, info.Metadata["mosip_error_code"]);
        }
        return info;
    }
}
