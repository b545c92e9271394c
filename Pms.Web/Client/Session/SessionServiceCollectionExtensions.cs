using Pms.Web.Client.Session;

namespace Microsoft.Extensions.DependencyInjection;

public static class SessionServiceCollectionExtensions
{
    /// <summary>Adds the portal's session: its state, sign-in/out and renewal (one user per browser tab, so singletons).</summary>
    public static IServiceCollection AddPmsSession(this IServiceCollection services)
    {
        services.AddSingleton<AuthSession>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<SessionRenewer>();
        return services;
    }
}
