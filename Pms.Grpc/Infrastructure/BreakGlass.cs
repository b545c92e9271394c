using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pms.Grpc.Auditing;
using Pms.Grpc.Configuration;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;
using Pms.Grpc.Partners;

namespace Pms.Grpc.Infrastructure;

/// <summary>
/// <c>dotnet run --project Pms.Grpc -- admin reset-password [--username NAME]</c>: the operator's way back in when the
/// admin password is lost or the account is under attack. It runs with the service's own configuration (database and
/// secrets), so only someone who can run the service can use it. It sets the password read from
/// <c>PMS_NEW_ADMIN_PASSWORD</c> or standard input, enables the account, ends its sessions, forgets its sign-in count,
/// and writes an audit row. See docs/security.md, "Break-glass admin access".
/// </summary>
public static class BreakGlass
{
    public const string PasswordVariable = "PMS_NEW_ADMIN_PASSWORD";

    public static bool IsCommand(string[] args) => args is ["admin", "reset-password", ..];

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var options = app.Services.GetRequiredService<IOptions<PmsOptions>>().Value;
        var username = args.SkipWhile(a => a != "--username").Skip(1).FirstOrDefault() ?? options.BootstrapAdmin.Username;
        var password = Environment.GetEnvironmentVariable(PasswordVariable);
        if (string.IsNullOrEmpty(password))
        {
            Console.Error.Write($"New password for '{username}' (or set {PasswordVariable}): ");
            password = Console.ReadLine() ?? "";
        }

        await app.InitializePmsAsync();
        await using var scope = app.Services.CreateAsyncScope();
        try
        {
            await ResetAdminPasswordAsync(scope.ServiceProvider, username, password, CancellationToken.None);
        }
        catch (PmsException ex)
        {
            Console.Error.WriteLine($"Not changed: {ex.Message}");
            return 2;
        }
        Console.WriteLine($"The password of '{username}' is set, its sessions are ended and its sign-in count is cleared.");
        return 0;
    }

    public static async Task ResetAdminPasswordAsync(IServiceProvider services, string username, string password, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<PmsDbContext>();
        var normalized = UserNames.Normalize(username);
        var admin = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == normalized, cancellationToken);
        if (admin is null || !admin.Roles.Contains(Roles.PartnerAdmin))
        {
            throw PmsErrors.NotFound("ADMIN_NOT_FOUND", $"There is no {Roles.PartnerAdmin} named '{username}'.");
        }
        var violations = new List<FieldViolation>();
        PartnerRules.CheckPassword(violations, "password", password, admin.Username);
        PmsErrors.ThrowIfAny(violations);

        var time = services.GetRequiredService<TimeProvider>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        admin.PasswordHash = services.GetRequiredService<IPasswordHasher<UserAccount>>().HashPassword(admin, password);
        admin.PasswordChangedAt = time.GetUtcNowForDatabase();
        admin.IsEnabled = true;
        services.GetRequiredService<IAuditLog>().Add(new AuditEntry("ADMIN_PASSWORD_RESET_BREAK_GLASS", "user", admin.Id.ToString(), null,
            "operator (command line)", Comment: $"on {Environment.MachineName}"));
        await db.SaveChangesAsync(cancellationToken);
        await services.GetRequiredService<SessionService>().RevokeAllSessionsAsync(admin.Id, cancellationToken);
        await services.GetRequiredService<SignInThrottle>().ClearAsync(normalized, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
