namespace Pms.Grpc.Configuration;

public sealed class PortalOptions
{
    /// <summary>Where the portal is served; password-reset links point here.</summary>
    public string BaseUrl { get; set; } = "http://localhost:5080";
}
