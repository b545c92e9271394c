using Pms.Grpc.FtmChips;
using Pms.Grpc.Infrastructure;
using Pms.Grpc.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

if (BreakGlass.IsCommand(args))
{
    return await BreakGlass.RunAsync(app, args);
}

await app.InitializePmsAsync();

app.UseForwardedHeaders();
app.MapRestApiDocument();
app.UseServedByHeader();
app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();

app.MapGrpcService<PartnerGrpcService>();
app.MapGrpcService<TrustStoreGrpcService>();
app.MapGrpcService<FtmChipGrpcService>();
app.MapGrpcService<AuditGrpcService>();
app.MapFtmChipWatchOverHttp();
app.MapGrpcHealthChecksService().AllowAnonymous();
app.MapGrpcReflectionService().AllowAnonymous();
app.MapDefaultEndpoints();

app.Run();
return 0;

public partial class Program;
