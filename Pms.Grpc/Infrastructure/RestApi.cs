using Microsoft.OpenApi.Models;
using Pms.Grpc.FtmChips;

namespace Pms.Grpc.Infrastructure;

/// <summary>
/// The REST/JSON face's description: an OpenAPI document generated from the protos (paths from their google.api.http
/// rules, text from their comments) at <see cref="DocumentPath"/>, and an interactive reference page in Development.
/// </summary>
public static class RestApi
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";

    public static IServiceCollection AddRestApiDocument(this IServiceCollection services)
    {
        services.AddGrpcSwagger();
        services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "PMS: Partner Management System for FTM chip providers",
                Version = DocumentName,
                Description = "The REST/JSON face of PMS's gRPC services (JSON transcoding). Sign in with POST /v1/sessions:login and " +
                    "send 'Authorization: Bearer <accessToken>'. Errors are google.rpc.Status JSON with an ErrorInfo reason.",
            });
            swagger.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "The accessToken of POST /v1/sessions:login.",
            });
            swagger.AddSecurityRequirement(new OpenApiSecurityRequirement
            {
                [new OpenApiSecurityScheme { Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "bearer" } }] = [],
            });
            swagger.DocumentFilter<FtmChipWatchOverHttpDocument>();
            var comments = Path.Combine(AppContext.BaseDirectory, typeof(RestApi).Assembly.GetName().Name + ".xml");
            if (File.Exists(comments))
            {
                swagger.IncludeXmlComments(comments);
                swagger.IncludeGrpcXmlComments(comments, includeControllerXmlComments: true);
            }
        });
        return services;
    }

    public static WebApplication MapRestApiDocument(this WebApplication app)
    {
        app.MapSwagger("/openapi/{documentName}.json").AllowAnonymous();
        if (app.Environment.IsDevelopment())
        {
            app.UseSwaggerUI(ui =>
            {
                ui.SwaggerEndpoint(DocumentPath, "PMS " + DocumentName);
                ui.RoutePrefix = "openapi";
                ui.DocumentTitle = "PMS REST API";
            });
        }
        return app;
    }
}
