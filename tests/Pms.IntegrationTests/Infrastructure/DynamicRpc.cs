using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;

namespace Pms.IntegrationTests.Infrastructure;

/// <summary>
/// Calls any RPC of the API from its descriptor alone, so tests can sweep every RPC (including ones added later)
/// without a generated client per service.
/// </summary>
public static class DynamicRpc
{
    /// <summary>
    /// Calls <paramref name="method"/> and returns the status the client saw: OK, or the RpcException's status. A
    /// server stream counts as OK once it is open and has not failed within <paramref name="streamGrace"/>.
    /// </summary>
    public static async Task<Status> CallAsync(GrpcChannel channel, MethodDescriptor method, IMessage request, Metadata? headers,
        TimeSpan? streamGrace = null) =>
        (await CallForErrorAsync(channel, method, request, headers, streamGrace))?.Status ?? Status.DefaultSuccess;

    /// <summary>Like <see cref="CallAsync"/>, but returns the RpcException for inspection of its details (or null on OK).</summary>
    public static async Task<RpcException?> CallForErrorAsync(GrpcChannel channel, MethodDescriptor method, IMessage request, Metadata? headers,
        TimeSpan? streamGrace = null)
    {
        var invoker = channel.CreateCallInvoker();
        var options = new CallOptions(headers, DateTime.UtcNow.AddSeconds(60));
        try
        {
            if (method.IsServerStreaming)
            {
                using var call = invoker.AsyncServerStreamingCall(MethodOf(method), null, options, request);
                using var grace = new CancellationTokenSource(streamGrace ?? TimeSpan.FromMilliseconds(300));
                try
                {
                    await call.ResponseStream.MoveNext(grace.Token);
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && grace.IsCancellationRequested)
                {
                    // Open and quiet: the watch was accepted.
                }
                return null;
            }
            using var unary = invoker.AsyncUnaryCall(MethodOf(method), null, options, request);
            await unary.ResponseAsync;
            return null;
        }
        catch (RpcException ex)
        {
            return ex;
        }
    }

    private static Method<IMessage, IMessage> MethodOf(MethodDescriptor method) => new(
        method.IsServerStreaming ? MethodType.ServerStreaming : MethodType.Unary,
        method.Service.FullName,
        method.Name,
        Marshallers.Create(message => message.ToByteArray(), bytes => method.InputType.Parser.ParseFrom(bytes)),
        Marshallers.Create(message => message.ToByteArray(), bytes => method.OutputType.Parser.ParseFrom(bytes)));
}
