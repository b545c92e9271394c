using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;

namespace Pms.IntegrationTests.Infrastructure;

/// <summary>Users with a given role, created directly in the database (for roles no RPC creates, such as PMS_SERVICE).</summary>
public static class TestUsers
{
    public const string Password = "Test-User-Password-1";

    /// <summary>Creates a user with <paramref name="roles"/> and returns an access token for it.</summary>
    public static async Task<string> SignInWithRolesAsync(this PmsFactory pms, params string[] roles)
    {
        var username = await pms.CreateUserAsync(Password, roles);
        return (await pms.LoginAsync(username, Password)).AccessToken;
    }

    /// <summary>Creates a user with <paramref name="roles"/> and <paramref name="password"/> and returns its username.</summary>
    public static async Task<string> CreateUserAsync(this PmsFactory pms, string password, params string[] roles)
    {
        var username = "user-" + Guid.NewGuid().ToString("N")[..8];
        using var scope = pms.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
        var user = new UserAccount
        {
            Id = Guid.CreateVersion7(),
            Username = username,
            NormalizedUsername = username.ToUpperInvariant(),
            PasswordHash = "",
            Roles = [.. roles],
            CreatedAt = pms.Time.GetUtcNow(),
        };
        user.PasswordHash = scope.ServiceProvider.GetRequiredService<IPasswordHasher<UserAccount>>().HashPassword(user, password);
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return username;
    }
}
