var builder = DistributedApplication.CreateBuilder(args);

// ---- A resource that others wait for and that fails stops the AppHost with its log on the console (Pms:Startup:Timeout).
builder.AddStartupWatcher();

// ---- Database: PostgreSQL in a container, from this machine's binaries, or given by the user (Pms:Postgres:Mode).
var pmsdb = builder.AddPmsDatabase();

// ---- Mail sink: smtp4dev receives password-reset and expiry mails and shows them in its web UI.
var mail = builder.AddMailSink("mail");

// ---- Secrets: generated once, kept in the AppHost's user secrets, shown under "Parameters" in the dashboard.
var adminPassword = builder.AddParameter("admin-password",
    new GenerateParameterDefault { MinLength = 20, Special = false }, secret: true, persist: true);
var jwtSigningKey = builder.AddParameter("jwt-signing-key",
    new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);
var keyEncryptionKey = builder.AddParameter("key-encryption-key",
    new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true);

// ---- PMS gRPC services: `grpc` speaks HTTP/2 to internal services, `http` serves gRPC-Web and health.
var grpc = builder.AddProject<Projects.Pms_Grpc>("pms-grpc", launchProfileName: null)
    .WithKestrelEndpoint("http", http2: false)
    .WithKestrelEndpoint("grpc", http2: true)
    .WithReference(pmsdb).WaitFor(pmsdb)
    .WithMailConnection(mail).WaitFor(mail)
    .WithEnvironment("Pms__BootstrapAdmin__Username", "admin")
    .WithEnvironment("Pms__BootstrapAdmin__Password", adminPassword)
    .WithEnvironment("Pms__Jwt__SigningKey", jwtSigningKey)
    .WithEnvironment("Pms__KeyEncryption__MasterKey", keyEncryptionKey)
    .WithEnvironment("Pms__Portal__BaseUrl", "http://localhost:5080")
    .WithHttpHealthCheck("/health", endpointName: "http");

// ---- Portal: serves the Blazor WebAssembly app and forwards its gRPC-Web calls to pms-grpc (same origin).
builder.AddProject<Projects.Pms_Web>("pms-web", launchProfileName: null)
    .WithHttpEndpoint(name: "http", port: 5080)
    .WithReference(grpc).WaitFor(grpc)
    .WithHttpHealthCheck("/health")
    .WithUrlForEndpoint("http", u => u.DisplayText = "Portal");

return await builder.Build().RunUntilStoppedAsync();
