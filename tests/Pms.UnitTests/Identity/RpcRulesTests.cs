using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Pms.Grpc.Identity;
using Pms.Grpc.Validation;

namespace Pms.UnitTests.Identity;

/// <summary>
/// The table in <see cref="RpcRules"/> is the authorization story a reader reads; the attributes on the adapters are
/// what ASP.NET Core enforces. This keeps them one story: every RPC of the protos has a row, and its attributes say
/// exactly what the row says. (AuthorizationMatrixTests then calls every RPC as every kind of caller.)
/// </summary>
public sealed class RpcRulesTests
{
    private static readonly Assembly Server = typeof(RpcRules).Assembly;

    [Fact]
    public void EveryRpcOfTheProtosHasARowAndNothingElseDoes()
    {
        var rpcs = Rpcs().Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
        Assert.True(rpcs.Count >= 30, $"only {rpcs.Count} RPCs found in the descriptors: {string.Join(", ", rpcs)}");
        var missing = rpcs.Except(RpcRules.All.Keys).Order().ToList();
        var extra = RpcRules.All.Keys.Except(rpcs).Order().ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"RpcRules.All must have one row per RPC.\nRPCs without a row: {string.Join(", ", missing)}\nRows without an RPC: {string.Join(", ", extra)}");
    }

    [Fact]
    public void EachRpcsAttributesSayWhatItsRowSays()
    {
        var mismatches = new List<string>();
        foreach (var (path, implementation) in Rpcs())
        {
            if (!RpcRules.All.TryGetValue(path, out var row))
            {
                continue;
            }
            if (implementation is null)
            {
                mismatches.Add($"{path}: no override in any service class of Pms.Grpc");
                continue;
            }
            var actual = RuleOf(implementation);
            var roleSetsEqual = RoleSet(actual.Who).SetEquals(RoleSet(row.Who));
            if (!roleSetsEqual || actual.RateLimit != row.RateLimit)
            {
                mismatches.Add($"{path}: RpcRules says ({row.Who}; rate limit {row.RateLimit ?? "none"}), " +
                    $"the attributes on {implementation.DeclaringType!.Name}.{implementation.Name} say ({actual.Who}; rate limit {actual.RateLimit ?? "none"})");
            }
        }
        Assert.True(mismatches.Count == 0, "Attributes and RpcRules disagree:\n" + string.Join("\n", mismatches));
    }

    [Fact]
    public void RoleSetsComeFromRolesOnly()
    {
        // Every row names a role set defined in Roles (or anonymous / signed in), so role sets are defined once.
        var defined = typeof(Roles).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);
        var strays = RpcRules.All.Where(r => r.Value.Who is not (RpcRule.Anonymous or RpcRule.SignedIn) && !defined.Contains(r.Value.Who))
            .Select(r => $"{r.Key}: {r.Value.Who}").ToList();
        Assert.True(strays.Count == 0, "Role sets not defined in Roles.cs:\n" + string.Join("\n", strays));
    }

    private static RpcRule RuleOf(MethodInfo method)
    {
        var rateLimit = method.GetCustomAttribute<EnableRateLimitingAttribute>()?.PolicyName;
        if (method.GetCustomAttribute<AllowAnonymousAttribute>() is not null)
        {
            return new RpcRule(RpcRule.Anonymous, rateLimit, "");
        }
        var authorize = method.GetCustomAttributes<AuthorizeAttribute>().ToList();
        if (authorize.Count != 1 || authorize[0].Policy is not null)
        {
            return new RpcRule($"{authorize.Count} [Authorize] attributes (exactly one, with Roles or none, is the house form)", rateLimit, "");
        }
        return new RpcRule(authorize[0].Roles ?? RpcRule.SignedIn, rateLimit, "");
    }

    private static HashSet<string> RoleSet(string who) =>
        who.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every RPC of every service in the protos (<see cref="ApiDescriptors"/>), with the adapter method that implements it.</summary>
    private static IEnumerable<(string Path, MethodInfo? Implementation)> Rpcs()
    {
        foreach (var service in ApiDescriptors.Services)
        {
            var adapter = Server.GetTypes().SingleOrDefault(t => !t.IsAbstract && t.BaseType?.DeclaringType?.Name == service.Name
                && t.BaseType.Name == service.Name + "Base");
            foreach (var method in service.Methods)
            {
                yield return ($"{service.FullName}/{method.Name}",
                    adapter?.GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly));
            }
        }
    }
}
