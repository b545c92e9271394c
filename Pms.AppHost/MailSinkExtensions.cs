namespace Aspire.Hosting;

internal static class MailSinkExtensions
{
    /// <summary>
    /// Runs smtp4dev, the repository's local dotnet tool, as the development mail sink: an SMTP endpoint
    /// for PMS and a web UI (linked in the dashboard) to read what PMS sent. Messages live in memory.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> AddMailSink(this IDistributedApplicationBuilder builder, string name)
    {
        // smtp4dev has a tool manifest of its own: `dotnet tool restore` of a manifest with two or more tools fails
        // on a machine whose tool cache is empty (dotnet/sdk#53783), and the developer tools at the root are not needed here.
        var toolDirectory = Path.Combine(builder.AppHostDirectory, "tools");

        // `dotnet tool run` needs the tool restored; doing it here keeps `dotnet run --project Pms.AppHost` one command.
        var restore = builder.AddExecutable($"{name}-tool-restore", "dotnet", toolDirectory, "tool", "restore")
            .WithFailureAdvice(
                "this restores the smtp4dev tool (Pms.AppHost/tools/dotnet-tools.json) from NuGet. Check that the NuGet source " +
                "is reachable (`dotnet tool restore` in Pms.AppHost/tools shows the full error), then start the AppHost again.")
            .ExcludeFromManifest();

        var sink = builder.AddExecutable(name, "dotnet", toolDirectory, "tool", "run", "smtp4dev", "--")
            .WithHttpEndpoint(name: "http")
            .WithEndpoint(name: "smtp", scheme: "tcp")
            .WaitForCompletion(restore)
            .WithFailureAdvice(
                "smtp4dev (the mail sink) did not come up; its log above says why. Check that `dotnet tool run smtp4dev -- --help` " +
                "works in Pms.AppHost/tools, then start the AppHost again.")
            .ExcludeFromManifest();

        var ui = sink.GetEndpoint("http");
        var smtp = sink.GetEndpoint("smtp");
        sink.WithArgs(context =>
        {
            context.Args.Add(ReferenceExpression.Create($"--urls=http://127.0.0.1:{ui.Property(EndpointProperty.TargetPort)}"));
            context.Args.Add(ReferenceExpression.Create($"--smtpport={smtp.Property(EndpointProperty.TargetPort)}"));
            context.Args.Add("--imapport=0");
            context.Args.Add("--pop3port=0");
            context.Args.Add("--db=");
            context.Args.Add("--nousersettings");
            context.Args.Add("--hostname=localhost");
            context.Args.Add("--bindaddress=127.0.0.1");
        });
        sink.WithUrlForEndpoint("http", u => u.DisplayText = "Mail inbox (smtp4dev)")
            .WithHttpHealthCheck("/", endpointName: "http");
        return sink;
    }

    /// <summary>Gives a project <c>ConnectionStrings__mail</c> = <c>Endpoint=smtp://host:port</c> for the sink.</summary>
    public static IResourceBuilder<ProjectResource> WithMailConnection(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<ExecutableResource> sink)
    {
        var smtp = sink.GetEndpoint("smtp");
        return project.WithEnvironment("ConnectionStrings__mail",
            ReferenceExpression.Create($"Endpoint=smtp://{smtp.Property(EndpointProperty.Host)}:{smtp.Property(EndpointProperty.Port)}"));
    }
}
