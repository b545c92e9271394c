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
}
