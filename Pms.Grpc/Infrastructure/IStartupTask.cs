namespace Pms.Grpc.Infrastructure;

/// <summary>A step that must finish before PMS serves requests (after migrations and secrets).</summary>
public interface IStartupTask
{
    Task RunAsync(CancellationToken cancellationToken);
}
