using System.Security.Cryptography;

namespace Pms.Benchmarks;

/// <summary>
/// Pms.Grpc as operators run it: its own process, environment <c>Production</c>, every setting from environment
/// variables, against the benchmark's PostgreSQL database.
/// </summary>
public static class PmsServerProcess
{
    public const string AdminUsername = "admin";

    public static async Task<(ServerProcess Server, string AdminPassword)> StartAsync(string repositoryRoot, string connectionString)
    {
        var adminPassword = "Bench-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var server = ServerProcess.Start(repositoryRoot, "Pms.Grpc", "Pms.Grpc", new Dictionary<string, string>
        {
            ["ConnectionStrings__pmsdb"] = connectionString,
            ["ConnectionStrings__mail"] = "Endpoint=smtp://127.0.0.1:1",
            ["Kestrel__Endpoints__http__Url"] = "http://127.0.0.1:0",
            ["Pms__BootstrapAdmin__Username"] = AdminUsername,
            ["Pms__BootstrapAdmin__Password"] = adminPassword,
            ["Pms__Jwt__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            ["Pms__Jwt__AccessTokenLifetime"] = "02:00:00",
            ["Pms__KeyEncryption__MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
        });
        try
        {
            await server.WaitUntilServingAsync(TimeSpan.FromMinutes(3));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return (server, adminPassword);
    }
}
