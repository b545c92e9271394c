using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.JSInterop;
using Pms.Web.Client;
using Pms.Web.Client.Localization;
using Pms.Web.Client.Rpc;
using Pms.Web.Client.Session;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

builder.Services.AddSingleton(TimeProvider.System);
// Resources/Strings*.resx; the marker class Strings sits in the namespace of its files, so no ResourcesPath.
builder.Services.AddLocalization();
builder.Services.AddPmsSession();
builder.Services.AddPmsGrpc(new Uri(builder.HostEnvironment.BaseAddress));
builder.Services.AddSingleton<Pms.Web.Client.Shared.Downloads>();

var host = builder.Build();

// The language before anything renders: the remembered choice, else the browser's, else English.
await CultureStartup.ApplyAsync(host.Services.GetRequiredService<IJSRuntime>());

// A reload keeps the tab's session: read it back before the first page renders, then keep it fresh.
await host.Services.GetRequiredService<AuthSession>().RestoreAsync();
host.Services.GetRequiredService<SessionRenewer>().Start();

await host.RunAsync();
