using System.Reflection;
using Pms.Grpc.Services;

namespace Pms.UnitTests.Validation;

/// <summary>
/// <see cref="ApiEnums"/> maps enums by number; this proves the numbers mean the same on both sides, so adding a value
/// to one side only (or renumbering one) fails here instead of sending the wrong status to a client.
/// </summary>
public sealed class ApiEnumsTests
{
    [Fact]
    public void EveryDomainEnumAndItsProtoTwinAgreeNumberByNumberAndNameByName()
    {
        var pairs = typeof(ApiEnums).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name == nameof(ApiEnums.ToApi))
            .Select(m => (Domain: m.GetParameters()[0].ParameterType, Api: m.ReturnType))
            .ToList();
        Assert.True(pairs.Count >= 7, $"expected a ToApi per enum pair, found {pairs.Count}");
        var problems = new List<string>();
        foreach (var (domain, api) in pairs)
        {
            var domainValues = Enum.GetValues(domain).Cast<object>().ToDictionary(v => Convert.ToInt32(v), v => v.ToString()!);
            var apiValues = Enum.GetValues(api).Cast<object>().ToDictionary(v => Convert.ToInt32(v), v => v.ToString()!);
            if (domainValues.ContainsKey(0))
            {
                problems.Add($"{domain.Name} has a value 0, which is {api.Name}'s UNSPECIFIED");
            }
            foreach (var (number, name) in domainValues.Where(v => v.Key != 0))
            {
                if (!apiValues.TryGetValue(number, out var apiName) || apiName != name)
                {
                    problems.Add($"{domain.Name}.{name} = {number}, but {api.Name} {number} is {apiName ?? "missing"}");
                }
            }
            foreach (var (number, name) in apiValues.Where(v => v.Key != 0 && !domainValues.ContainsKey(v.Key)))
            {
                problems.Add($"{api.Name}.{name} = {number} has no {domain.Name} value");
            }
        }
        Assert.True(problems.Count == 0, "Enum pairs that a cast would mistranslate:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void UnspecifiedIsNoValueAndAnUnknownNumberIsKeptForTheDomainToRefuse()
    {
        Assert.Null(Mosip.Pms.V1.PartnerDomain.Unspecified.ToDomain());
        Assert.Equal(Pms.Grpc.Data.Entities.PartnerDomain.Device, Mosip.Pms.V1.PartnerDomain.Device.ToDomain());
        Assert.Equal(99, (int)((Mosip.Pms.V1.PartnerDomain)99).ToDomain()!.Value);
        Assert.Null(((Mosip.Pms.V1.PartnerStatus)99).ToDomain().IfDefined());
    }
}
