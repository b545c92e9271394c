using System.Threading.Channels;
using Pms.Grpc.Errors;

namespace Pms.Grpc.FtmChips;

/// <summary>One watcher's queue of chip changes.</summary>
public interface IFtmChipSubscription : IDisposable
{
    /// <summary>Ends normally at shutdown, or with a <see cref="PmsException"/> when the watcher was cut off.</summary>
    ChannelReader<FtmChipChange> Changes { get; }
}
