using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using Pms.Grpc.AtRest;
using Pms.Grpc.Auditing;
using Pms.Grpc.Configuration;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;
using Pms.Grpc.TrustStore;
using Pms.Grpc.Validation;

namespace Pms.Grpc.Infrastructure;

public static class ApplicationServiceExtensions
{
    /// <summary>Everything Pms.Grpc needs: database, gRPC with its interceptors, sign-in, and the domain services.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddOptions<PmsOptions>()
            .Bind(builder.Configuration.GetSection(PmsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        // Graceful shutdown (SIGTERM): in-flight calls get this long to finish before the process exits anyway.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = builder.Configuration.GetValue("Pms:ShutdownTimeout", TimeSpan.FromSeconds(30)));
        services.AddSingleton<PmsSecrets>();
        services.AddSingleton(sp => new AtRestEncryption(sp.GetRequiredService<PmsSecrets>()));
        services.AddScoped<AtRestFormatUpgrade>();

        // Migrations run explicitly at start; explicit transactions (chip transitions) need no retry strategy in the way.
        // The component's own health check is replaced by DatabaseHealthChecks (a real query, migrations, pool recovery).
        builder.AddNpgsqlDbContext<PmsDbContext>("pmsdb",
            settings =>
            {
                settings.DisableRetry = true;
                settings.DisableHealthChecks = true;
                // The component listens to Npgsql's ActivitySource by itself: an Activity per command even with tracing off.
                settings.DisableTracing = !builder.CollectsTraces();
                settings.ConnectionString = WithAutoPrepare(settings.ConnectionString);
            },
            options => options.UseSnakeCaseNamingConvention()
                .AddInterceptors(new DeadConnectionPoolClearer())
                // A failed command or save reaches the code that ran it as an exception, and that code decides: an expected
                // refusal (a lost race, a duplicate) is answered to the client, anything else is logged at Error once, by
                // ExceptionMappingInterceptor or the background job. EF's own Error-level copy, with a stack trace, drowned
                // the real errors, and named a missing __EFMigrationsHistory table on every fresh database.
                .ConfigureWarnings(warnings => warnings.Log(
                    (RelationalEventId.CommandError, LogLevel.Debug),
                    (CoreEventId.SaveChangesFailed, LogLevel.Debug),
                    (CoreEventId.QueryIterationFailed, LogLevel.Debug),
                    (CoreEventId.OptimisticConcurrencyException, LogLevel.Debug))));

        services.AddGrpc(options =>
        {
            options.Interceptors.Add<ExceptionMappingInterceptor>();
            options.Interceptors.Add<RequestValidationInterceptor>();
            // Certificates are at most 1 MiB; leave room for the rest of the message, refuse anything larger.
            options.MaxReceiveMessageSize = 2 * 1024 * 1024;
            options.EnableDetailedErrors = false;
        })
        // REST/JSON for the services that do not speak gRPC: every RPC but the watch stream, at the paths of the protos'
        // google.api.http annotations, through the same interceptors, authorization and rate limits (docs/rest-api.md).
        .AddJsonTranscoding(transcoding => transcoding.TypeRegistry = RestStatus.ErrorDetails);
        services.AddRestApiDocument();
        services.AddGrpcReflection();
        // grpc.health.v1 runs the same checks as /health, on each Check call.
        services.AddGrpcHealthChecks().AddDatabaseHealthChecks();

        // Sign-in.
        services.AddPmsAuthentication();
        services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<ConsentPolicy>();
        services.AddScoped<SessionService>();
        services.AddScoped<SignInThrottle>();
        services.AddSingleton<PasswordHashGate>();
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton<SessionChangeListener>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionChangeListener>());
        services.AddPmsRateLimiting();
        services.AddScoped<IAuditLog, AuditLog>();
        services.AddScoped<AuditQueries>();
        services.AddSingleton<RefusedUploads>();
        services.AddPartners();

        services.AddTrustStore();
        services.AddFtmChips();

        return builder;
    }

    /// <summary>
    /// Npgsql prepares the statements a connection runs most (<c>Max Auto Prepare</c>), so PostgreSQL parses and plans
    /// GetFtmChip's SELECT once per connection instead of on every call: a quarter less server CPU per call in the
    /// benchmark (docs/benchmarks.md, "Profile"). A connection string that sets its own value (0 turns it off) keeps it.
    /// </summary>
    private static string? WithAutoPrepare(string? connectionString)
    {
        if (connectionString is null || connectionString.Replace(" ", "").Contains("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
        {
            return connectionString;
        }
        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 64 }.ConnectionString;
    }
}
