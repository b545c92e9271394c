namespace Pms.Grpc.Configuration;

public sealed class DiagnosticsOptions
{
    /// <summary>Name the answering instance in a <c>pms-served-by</c> response header (host/process id), to see how calls spread over replicas.</summary>
    public bool ServedByHeader { get; set; }
}
