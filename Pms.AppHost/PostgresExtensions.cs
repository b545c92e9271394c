using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

/// <summary>
/// PMS's database under the AppHost. <c>Pms:Postgres:Mode</c> chooses where PostgreSQL comes from:
/// <c>container</c> (Aspire's AddPostgres), <c>local</c> (this machine's PostgreSQL binaries),
/// <c>external</c> (<c>ConnectionStrings:pmsdb</c>), or <c>auto</c> (container where a container runtime answers, else local).
/// </summary>
internal static class PostgresExtensions
{
    private const string DatabaseName = "pmsdb";

    public static IResourceBuilder<IResourceWithConnectionString> AddPmsDatabase(this IDistributedApplicationBuilder builder)
    {
        var mode = (builder.Configuration["Pms:Postgres:Mode"] ?? "auto").Trim().ToLowerInvariant();
        switch (mode)
        {
            case "external":
                return builder.AddConnectionString(DatabaseName);
            case "container":
                if (ContainerRuntime.Probe() is { } problem)
                {
                    throw new DistributedApplicationException(
                        $"Pms:Postgres:Mode=container needs a container runtime, but {problem}. " +
                        "Start Docker or Podman, or run PostgreSQL from this machine's binaries with " +
                        "Pms:Postgres:Mode=local (e.g. `dotnet run --project Pms.AppHost -- --Pms:Postgres:Mode=local`), " +
                        "or point PMS at your own server with Pms:Postgres:Mode=external and ConnectionStrings:pmsdb.");
                }
                return AddContainer(builder);
            case "auto":
                return ContainerRuntime.Probe() is null ? AddContainer(builder) : AddLocal(builder);
            case "local":
                return AddLocal(builder);
            default:
                throw new DistributedApplicationException(
                    $"Pms:Postgres:Mode='{mode}' is not one of auto, container, local, external.");
        }
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddContainer(IDistributedApplicationBuilder builder) =>
        builder.AddPostgres("postgres").WithDataVolume("pms-postgres-data").AddDatabase(DatabaseName);

    /// <summary>
    /// Runs <c>initdb</c> once into a data folder that survives restarts, then the server on a port DCP picks.
    /// PostgreSQL refuses to run as root, so as root both run through <c>runuser -u postgres --</c>.
    /// </summary>
    private static IResourceBuilder<IResourceWithConnectionString> AddLocal(IDistributedApplicationBuilder builder)
    {
        var binDirectory = builder.Configuration["Pms:Postgres:BinDirectory"] ?? FindPostgresBinaries()
            ?? throw new DistributedApplicationException(
                "Pms:Postgres:Mode=local needs PostgreSQL's server binaries (initdb, postgres), and none were found " +
                "(looked at `pg_config --bindir` and /usr/lib/postgresql/*/bin). Install them (Debian: `apt-get install postgresql`) " +
                "or set Pms:Postgres:BinDirectory.");
        var dataDirectory = Path.GetFullPath(builder.Configuration["Pms:Postgres:DataDirectory"] ?? DefaultDataDirectory(builder));
        var asRoot = Environment.UserName == "root";

        var password = builder.AddParameter("postgres-password",
            new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);

        var init = builder.AddExecutable("postgres-init", "bash", builder.AppHostDirectory,
                "-c", InitScript, "postgres-init", dataDirectory, binDirectory, asRoot ? "root" : "user")
            .WithEnvironment("PMS_POSTGRES_PASSWORD", password)
            .WithFailureAdvice(
                $"postgres-init prepares the data folder {dataDirectory} with {binDirectory}/initdb. Check Pms:Postgres:BinDirectory " +
                "(PostgreSQL's server binaries) and Pms:Postgres:DataDirectory (writable, and by the postgres user when run as root), " +
                "or choose another Pms:Postgres:Mode (README, PostgreSQL modes).")
            .ExcludeFromManifest();

        var server = asRoot
            ? builder.AddExecutable("postgres", "runuser", builder.AppHostDirectory, "-u", "postgres", "--", Path.Combine(binDirectory, "postgres"))
            : builder.AddExecutable("postgres", Path.Combine(binDirectory, "postgres"), builder.AppHostDirectory);
        server.WithEndpoint(name: "tcp", scheme: "tcp")
            .WaitForCompletion(init)
            .WithFailureAdvice(
                $"PostgreSQL did not start from {binDirectory} on the data folder {dataDirectory}; its log above says why " +
                "(a server from another checkout on the same folder, a folder made by another PostgreSQL version: then set " +
                "Pms:Postgres:DataDirectory to a new folder).")
            .ExcludeFromManifest();

        var endpoint = server.GetEndpoint("tcp");
        server.WithArgs(context =>
        {
            context.Args.Add("-D");
            context.Args.Add(dataDirectory);
            context.Args.Add("-p");
            context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
            context.Args.Add("-c");
            context.Args.Add("listen_addresses=127.0.0.1");
            // No Unix socket: the default socket folder may belong to a system cluster or not exist.
            context.Args.Add("-c");
            context.Args.Add("unix_socket_directories=");
            context.Args.Add("-c");
            context.Args.Add("max_connections=200");
        });

        var connectionString = ReferenceExpression.Create(
            $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Username=postgres;Password={password};Database={DatabaseName}");

        // The server is Running long before it accepts connections; a health check makes WaitFor mean "accepting".
        var healthCheckKey = "postgres-accepting-connections";
        string? resolvedConnectionString = null;
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => resolvedConnectionString ?? throw new InvalidOperationException("PostgreSQL's endpoint is not allocated yet."),
            name: healthCheckKey);
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server.Resource, async (_, ct) =>
        {
            var maintenance = ReferenceExpression.Create(
                $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Username=postgres;Password={password};Database=postgres;Timeout=3");
            resolvedConnectionString = await maintenance.GetValueAsync(ct).ConfigureAwait(false);
        });
        server.WithHealthCheck(healthCheckKey);

        var database = builder.AddConnectionString(DatabaseName, connectionString);
        return database.WaitFor(server);
    }

    // initdb once; a postmaster left over from a killed AppHost is stopped so the new one can start.
    private const string InitScript = """
        set -euo pipefail
        data="$1"; bin="$2"; who="$3"
        run=()
        mkdir -p "$data"
        if [ "$who" = root ]; then
          chown postgres:postgres "$data"
          run=(runuser -u postgres --)
        fi
        chmod 700 "$data"
        if [ ! -s "$data/PG_VERSION" ]; then
          pwfile=$(mktemp)
          printf '%s' "$PMS_POSTGRES_PASSWORD" > "$pwfile"
          [ "$who" = root ] && chown postgres "$pwfile"
          "${run[@]}" "$bin/initdb" -D "$data" -U postgres -A scram-sha-256 --pwfile="$pwfile" -E UTF8 --no-locale > /dev/null
          rm -f "$pwfile"
          echo "initialised a new PostgreSQL data folder at $data"
        else
          echo "using the PostgreSQL data folder at $data"
        fi
        if [ -f "$data/postmaster.pid" ]; then
          "${run[@]}" "$bin/pg_ctl" -D "$data" -m fast -w stop > /dev/null 2>&1 || true
          rm -f "$data/postmaster.pid" 2>/dev/null || true
        fi
        """;

    private static string? FindPostgresBinaries()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is not null)
            {
                var output = process.StandardOutput.ReadToEnd().Trim();
                process.WaitForExit(5000);
                if (process.ExitCode == 0 && File.Exists(Path.Combine(output, "initdb")))
                {
                    return output;
                }
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No pg_config on PATH: fall back to Debian's layout.
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (!Directory.Exists(debianRoot))
        {
            return null;
        }

        return Directory.GetDirectories(debianRoot)
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
            .FirstOrDefault();
    }

    // One data folder per checkout, outside it (so `git clean` never eats the data) and reachable by the postgres user.
    private static string DefaultDataDirectory(IDistributedApplicationBuilder builder)
    {
        var checkout = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.AppHostDirectory)))[..10];
        var root = Environment.UserName == "root"
            ? "/var/lib/pms"
            : Path.Combine(Environment.GetEnvironmentVariable("XDG_DATA_HOME")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share"), "pms");
        return Path.Combine(root, checkout, "postgres");
    }
}

/// <summary>Asks the container runtime Aspire would use whether it answers, without hanging.</summary>
internal static class ContainerRuntime
{
    /// <returns><c>null</c> when a runtime answers, else what went wrong.</returns>
    public static string? Probe()
    {
        var runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME")
            ?? Environment.GetEnvironmentVariable("DOTNET_ASPIRE_CONTAINER_RUNTIME")
            ?? "docker";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                return $"`{runtime}` could not be started";
            }
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(10_000))
            {
                process.Kill(entireProcessTree: true);
                return $"`{runtime} info` did not answer within 10 s";
            }
            return process.ExitCode == 0
                ? null
                : $"`{runtime} info` failed: {stderr.Result.Trim().Split('\n').FirstOrDefault()}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"`{runtime}` is not installed";
        }
    }
}
