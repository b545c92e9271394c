using Google.Protobuf.Reflection;
using Mosip.Pms.V1;

namespace Pms.Grpc.Validation;

/// <summary>The PMS API as its generated descriptors describe it: every service of every mosip.pms.v1 proto file.</summary>
public static class ApiDescriptors
{
    /// <summary>Found by reflection over the generated code, so a new proto file or RPC is included without a list to update.</summary>
    public static IReadOnlyList<Google.Protobuf.Reflection.ServiceDescriptor> Services { get; } = typeof(PartnerService).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(PartnerService).Namespace && t.Name.EndsWith("Reflection", StringComparison.Ordinal))
        .Select(t => t.GetProperty("Descriptor")?.GetValue(null))
        .OfType<FileDescriptor>()
        .Where(f => f.Package == "mosip.pms.v1")
        .SelectMany(f => f.Services)
        .OrderBy(s => s.FullName, StringComparer.Ordinal)
        .ToList();

    public static IEnumerable<MethodDescriptor> Methods => Services.SelectMany(s => s.Methods);

    /// <summary>Every request message of the API, once.</summary>
    public static IEnumerable<MessageDescriptor> RequestMessages =>
        Methods.Select(m => m.InputType).DistinctBy(m => m.FullName);

    /// <summary>Request fields that need a limit in <see cref="RequestLimits"/> and have none.</summary>
    public static IEnumerable<FieldDescriptor> FieldsWithoutLimit =>
        RequestMessages.SelectMany(m => m.Fields.InFieldNumberOrder())
            .Where(f => RequestLimits.NeedsLimit(f) && RequestLimits.For(f) is null);
}
