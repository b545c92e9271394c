// A bare gRPC server: what Kestrel and grpc-dotnet cost per call on this machine, with nothing of PMS in the way.
// The benchmark passes the address as Kestrel__Endpoints__grpc__Url (HTTP/2 without TLS, as Pms.Grpc is measured).
using Microsoft.AspNetCore.Server.Kestrel.Core;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
builder.Services.AddGrpc();
// One check that is always healthy, as Pms.Grpc's own "grpc" check: Check("") answers SERVING without other work.
builder.Services.AddGrpcHealthChecks().AddCheck("grpc", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy());

var app = builder.Build();
app.MapGrpcHealthChecksService();
app.Run();
