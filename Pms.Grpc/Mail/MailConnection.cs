using System.Data.Common;

namespace Pms.Grpc.Mail;

/// <summary>
/// The <c>mail</c> connection string, as Aspire hands it over: <c>Endpoint=smtp://host:port</c> (plain SMTP,
/// upgraded with STARTTLS when the server offers it) or <c>smtps://host:port</c> (TLS from the start), optionally
/// with <c>Username</c> and <c>Password</c> keys.
/// </summary>
public sealed record MailConnection(string Host, int Port, bool ImplicitTls, string? Username, string? Password)
{
    public static MailConnection Parse(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!builder.TryGetValue("Endpoint", out var endpointValue)
            || !Uri.TryCreate(endpointValue?.ToString(), UriKind.Absolute, out var endpoint)
            || endpoint.Scheme is not ("smtp" or "smtps"))
        {
            throw new FormatException("ConnectionStrings:mail must be 'Endpoint=smtp://host:port' (or smtps://), optionally with Username and Password keys.");
        }
        var implicitTls = endpoint.Scheme == "smtps";
        var port = endpoint.IsDefaultPort || endpoint.Port < 0 ? (implicitTls ? 465 : 25) : endpoint.Port;
        return new MailConnection(endpoint.Host, port, implicitTls,
            builder.TryGetValue("Username", out var user) ? user?.ToString() : null,
            builder.TryGetValue("Password", out var password) ? password?.ToString() : null);
    }
}
