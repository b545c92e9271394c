using Pms.Grpc.Grpc;
using Pms.Grpc.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

await app.InitializePmsAsync();

app.UseServedByHeader();
app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
app.UseAuthentication();
app.UseAuthorization();

app.MapGrpcService<PartnerGrpcService>();
app.MapGrpcService<TrustStoreGrpcService>();
app.MapGrpcService<FtmChipGrpcService>();
app.MapGrpcService<AuditGrpcService>();
app.MapGrpcHealthChecksService().AllowAnonymous();
app.MapGrpcReflectionService().AllowAnonymous();
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
