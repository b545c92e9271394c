using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

internal static class ResourceBuilderExtensions
{
    /// <summary>
    /// Adds a named Kestrel endpoint to a project and tells Kestrel its URL and protocol through
    /// <c>Kestrel__Endpoints__{name}__*</c>, the same variables that configure Pms.Grpc when it runs alone.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithKestrelEndpoint(
        this IResourceBuilder<ProjectResource> project, string name, bool http2)
    {
        project.WithHttpEndpoint(name: name);
        var endpoint = project.GetEndpoint(name);
        if (http2)
        {
            project.WithEndpoint(name, e => e.Transport = "http2");
        }

        return project
            .WithEnvironment($"Kestrel__Endpoints__{name}__Url",
                ReferenceExpression.Create($"http://localhost:{endpoint.Property(EndpointProperty.TargetPort)}"))
            .WithEnvironment($"Kestrel__Endpoints__{name}__Protocols", http2 ? "Http2" : "Http1");
    }

    /// <summary>
    /// Runs the project as the number of instances a setting names (default 1). Aspire puts one proxy in front
    /// of each endpoint; the proxy spreads connections (not single calls) across the instances.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithConfiguredReplicas(
        this IResourceBuilder<ProjectResource> project, IConfiguration configuration, string key)
    {
        var value = configuration[key];
        if (value is null)
        {
            return project;
        }
        if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var replicas)
            || replicas is < 1 or > 16)
        {
            throw new DistributedApplicationException($"{key} must be a whole number from 1 to 16; it is '{value}'.");
        }
        return replicas == 1 ? project : project.WithReplicas(replicas);
    }
}
