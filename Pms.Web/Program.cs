using Pms.Web;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGrpcForwarding();

var app = builder.Build();

if (app.Environment.IsDevelopment())
{
    app.UseWebAssemblyDebugging();
}

app.MapDefaultEndpoints();
app.MapGrpcForwarding();
app.MapStaticAssets();
app.MapFallbackToFile("index.html");

app.Run();

public partial class Program;
