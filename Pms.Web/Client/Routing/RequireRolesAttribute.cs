namespace Pms.Web.Client.Routing;

/// <summary>Limits a page to users holding at least one of the roles. The server checks again on every call;
/// this only spares a user a screen full of PERMISSION_DENIED.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class RequireRolesAttribute(params string[] roles) : Attribute
{
    public IReadOnlyList<string> Roles { get; } = roles;
}
