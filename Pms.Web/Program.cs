using Pms.Web;
using Pms.Web.Session;

var builder = WebApplication.CreateBuilder(args);
// Serve the client's files from the build output in any environment (the AppHost under tests runs
// outside Development); a published app has no such manifest and serves its own wwwroot.
builder.WebHost.UseStaticWebAssets();

builder.AddServiceDefaults();
builder.AddGrpcForwarding();
PmsGrpcHealthCheck.Register(builder);
builder.AddPortalSession();

var app = builder.Build();

if (app.Environment.IsDevelopment())
{
    app.UseWebAssemblyDebugging();
}

app.UseBrowserHardening();
app.MapDefaultEndpoints();
app.MapPortalSession();
app.MapGrpcForwarding();
app.MapStaticAssets();
// Client-side routes (/login, /partners/...) load the app's page; it must be revalidated on every load,
// since it names this build's fingerprinted files.
app.MapFallbackToFile("index.html", new StaticFileOptions
{
    OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
});

app.Run();

public partial class Program;
