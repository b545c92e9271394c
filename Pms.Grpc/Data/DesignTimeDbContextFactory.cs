using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Pms.Grpc.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a database or the app's start-up.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<PmsDbContext>
{
    public PmsDbContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<PmsDbContext>()
        .UseNpgsql("Host=localhost;Database=pmsdb_design")
        .UseSnakeCaseNamingConvention()
        .Options);
}
