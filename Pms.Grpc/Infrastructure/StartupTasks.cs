using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Pms.Grpc.AtRest;
using Pms.Grpc.Configuration;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Identity;

namespace Pms.Grpc.Infrastructure;

public static class StartupTasks
{
    /// <summary>
    /// Applies EF Core migrations (retrying while PostgreSQL comes up), loads PMS's secrets, creates the
    /// bootstrap admin, then runs every registered <see cref="IStartupTask"/>, then rewrites encrypted values older PMS
    /// versions stored (<see cref="AtRestFormatUpgrade"/>; last, so a wrong master key is first reported by the signing CA), all
    /// before Kestrel listens.
    /// </summary>
    public static async Task InitializePmsAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Pms.Startup");
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PmsDbContext>();

        await MigrateWithRetryAsync(db, logger, cancellationToken);
        await services.GetRequiredService<PmsSecrets>().LoadAsync(db, services.GetRequiredService<IOptions<PmsOptions>>(),
            app.Environment, services.GetRequiredService<TimeProvider>(), cancellationToken);
        await EnsureBootstrapAdminAsync(services, logger, app.Environment, cancellationToken);

        foreach (var task in services.GetServices<IStartupTask>())
        {
            await task.RunAsync(cancellationToken);
        }
        await services.GetRequiredService<AtRestFormatUpgrade>().RunAsync(cancellationToken);
    }

    private static async Task MigrateWithRetryAsync(PmsDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.Database.MigrateAsync(cancellationToken);
                logger.LogInformation("Database schema is up to date");
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && DateTime.UtcNow < deadline)
            {
                logger.LogWarning("Database not reachable yet (attempt {Attempt}): {Message}", attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken);
            }
        }
    }

    private static async Task EnsureBootstrapAdminAsync(IServiceProvider services, ILogger logger,
        IHostEnvironment environment, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<PmsOptions>>().Value.BootstrapAdmin;
        var db = services.GetRequiredService<PmsDbContext>();
        var normalized = UserNames.Normalize(options.Username);
        if (await db.Users.AnyAsync(u => u.NormalizedUsername == normalized, cancellationToken))
        {
            return;
        }

        var password = options.Password;
        if (string.IsNullOrWhiteSpace(password))
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    "Pms:BootstrapAdmin:Password is not configured, and there is no admin yet. Set it " +
                    "(environment variable Pms__BootstrapAdmin__Password); under the AppHost it is the 'admin-password' parameter.");
            }
            password = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(15));
            logger.LogWarning("Development: created the bootstrap admin '{Username}' with the generated password {Password}",
                options.Username, password);
        }

        var admin = new UserAccount
        {
            Id = Guid.CreateVersion7(),
            Username = options.Username,
            NormalizedUsername = normalized,
            PasswordHash = "",
            Roles = [Roles.PartnerAdmin],
            CreatedAt = services.GetRequiredService<TimeProvider>().GetUtcNow(),
        };
        admin.PasswordHash = services.GetRequiredService<IPasswordHasher<UserAccount>>().HashPassword(admin, password);
        db.Users.Add(admin);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Created the bootstrap admin '{Username}'", options.Username);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // A replica starting at the same time created it. Forget the refused row: the start-up's later steps share
            // this DbContext, and a row left tracked as Added would be inserted again, and refused again, with theirs.
            db.ChangeTracker.Clear();
            logger.LogInformation("Another instance created the bootstrap admin '{Username}' at the same time", options.Username);
        }
    }
}
