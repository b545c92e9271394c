using System.Collections;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pms.Grpc.Validation;
using Pms.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Pms.IntegrationTests.Edge;

/// <summary>
/// Every RPC of every service, found in the generated descriptors, called over a real socket as the admin and as an
/// FTM provider with requests whose fields hold hostile values: empty, 100 kB, control characters, odd but valid
/// Unicode, extreme numbers and enum values, out-of-range timestamps, huge repeated fields. Whatever the answer, it
/// is never INTERNAL, UNKNOWN or a hang. Seeded: set PMS_FUZZ_SEED to replay a run.
/// </summary>
public sealed class RpcFuzzTests(EdgeFactory pms, ITestOutputHelper output) : IClassFixture<EdgeFactory>
{
    private const int RandomRequestsPerRpc = 12;

    [Fact]
    public async Task NoRequestToAnyRpcAnswersInternalOrUnknown()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PMS_FUZZ_SEED"), CultureInfo.InvariantCulture, out var given) ? given : 20261130;
        output.WriteLine($"seed {seed} (replay with PMS_FUZZ_SEED={seed})");
        var values = new HostileValues(new Random(seed), pms);
        var callers = new (string Name, Metadata Auth)[] { ("admin", pms.Admin), ("provider", pms.Provider.Auth) };
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        var calls = 0;

        foreach (var method in ApiDescriptors.Methods)
        {
            foreach (var (caseName, request) in values.RequestsFor(method.InputType, RandomRequestsPerRpc))
            {
                foreach (var (callerName, auth) in callers)
                {
                    calls++;
                    var status = await DynamicRpc.CallAsync(pms.Channel, method, request, auth);
                    counts[status.StatusCode.ToString()] = counts.GetValueOrDefault(status.StatusCode.ToString()) + 1;
                    if (status.StatusCode is StatusCode.Internal or StatusCode.Unknown or StatusCode.DeadlineExceeded)
                    {
                        failures.Add($"{method.FullName} as {callerName}, {caseName}: {status.StatusCode} {status.Detail}");
                    }
                }
            }
        }

        output.WriteLine($"{ApiDescriptors.Methods.Count()} RPCs, {calls} calls: " + string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}")));
        foreach (var failure in failures)
        {
            output.WriteLine("FAILED " + failure);
        }
        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} of {calls} calls failed the server:\n" + string.Join("\n", failures.Take(30)));
    }

    /// <summary>The hostile values per field type, and requests built from them.</summary>
    private sealed class HostileValues(Random random, EdgeFactory pms)
    {
        private static readonly string[] Texts =
        [
            "",
            " ",
            "a",
            new string('x', 100_000),
            string.Concat(Enumerable.Repeat("é", 50_000)),
            "nul\0inside",
            "\0",
            "bell\u0007escape\u001b[31mred",
            "tab\tnew\nline\rreturn",
            "\u007f\u0085\u009f",
            "\u202Eevil\u202C right-to-left override",
            "\u200F\u200E\u061C marks",
            "e\u0301\u0301\u0301\u0301 combining",
            "👩‍👩‍👧‍👦🔥💥",
            "\uFEFF byte order mark",
            "\uFFFF\uFFFE noncharacters",
            "Ω≈ç√∫˜µ≤≥÷ ΑΒΓ 日本語 עברית العربية",
            "' OR 1=1 --",
            "%_\\%",
            "{\"a\":[1,2,3]}",
            "../../etc/passwd",
            "<script>alert(1)</script>",
            "00000000-0000-0000-0000-000000000000",
            "not-a-uuid",
            "created_at desc",
            "make asc extra",
            "FTM_CHIP_STATUS_APPROVED",
        ];

        private static readonly long[] Numbers = [0, 1, -1, 200, 201, 36_500, 36_501, int.MaxValue, int.MinValue];

        private static readonly Timestamp?[] Times =
        [
            null,
            new Timestamp(),
            new Timestamp { Seconds = -62_135_596_800 },
            new Timestamp { Seconds = -62_135_596_801 },
            new Timestamp { Seconds = 253_402_300_799, Nanos = 999_999_999 },
            new Timestamp { Seconds = 253_402_300_800 },
            new Timestamp { Seconds = long.MinValue },
            new Timestamp { Seconds = long.MaxValue },
            new Timestamp { Nanos = -1 },
            new Timestamp { Nanos = 1_000_000_000 },
            Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        ];

        /// <summary>The empty request, each field alone at each hostile value, then random mixes.</summary>
        public IEnumerable<(string Case, IMessage Request)> RequestsFor(MessageDescriptor type, int randomCount)
        {
            yield return ("empty request", type.Parser.ParseFrom(ByteString.Empty));
            foreach (var field in type.Fields.InFieldNumberOrder())
            {
                foreach (var (label, value) in ValuesFor(field))
                {
                    var request = type.Parser.ParseFrom(ByteString.Empty);
                    Set(request, field, value);
                    yield return ($"{field.Name} = {label}", request);
                }
            }
            for (var i = 0; i < randomCount; i++)
            {
                var request = type.Parser.ParseFrom(ByteString.Empty);
                var labels = new List<string>();
                foreach (var field in type.Fields.InFieldNumberOrder())
                {
                    var candidates = ValuesFor(field).ToList();
                    var (label, value) = candidates[random.Next(candidates.Count)];
                    Set(request, field, value);
                    labels.Add($"{field.Name} = {label}");
                }
                yield return ($"random mix #{i} ({string.Join("; ", labels)})", request);
            }
        }

        private IEnumerable<(string Label, object? Value)> ValuesFor(FieldDescriptor field)
        {
            switch (field.FieldType)
            {
                case FieldType.String:
                    foreach (var text in Texts)
                    {
                        yield return (Describe(text), text);
                    }
                    yield return ("the provider's chip id", pms.Chip.FtmChipId);
                    yield return ("the provider's partner id", pms.Provider.PartnerId.ToString());
                    yield return ("random text", RandomText());
                    break;
                case FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32:
                    foreach (var number in Numbers)
                    {
                        yield return (number.ToString(CultureInfo.InvariantCulture), (int)Math.Clamp(number, int.MinValue, int.MaxValue));
                    }
                    break;
                case FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64:
                    foreach (var number in Numbers.Append(long.MaxValue).Append(long.MinValue))
                    {
                        yield return (number.ToString(CultureInfo.InvariantCulture), number);
                    }
                    break;
                case FieldType.Bool:
                    yield return ("true", true);
                    break;
                case FieldType.Enum:
                    foreach (var number in field.EnumType.Values.Select(v => v.Number).Concat([-1, 99, int.MaxValue, int.MinValue]))
                    {
                        yield return ($"enum {number}", number);
                    }
                    break;
                case FieldType.Bytes:
                    yield return ("no bytes", ByteString.Empty);
                    yield return ("one byte", ByteString.CopyFrom(0x30));
                    yield return ("1 kB random", RandomBytes(1024));
                    yield return ("1 MiB + 1 random", RandomBytes(1024 * 1024 + 1));
                    yield return ("PEM armour around garbage", ByteString.CopyFromUtf8("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"));
                    yield return ("a CA certificate", ByteString.CopyFrom(pms.FtmIntermediate.Der));
                    break;
                case FieldType.Message when field.MessageType.FullName == Timestamp.Descriptor.FullName:
                    foreach (var time in Times)
                    {
                        yield return (time is null ? "unset" : $"{time.Seconds}s {time.Nanos}ns", time);
                    }
                    break;
                case FieldType.Message:
                    yield return ("unset", null);
                    yield return ("empty message", field.MessageType.Parser.ParseFrom(ByteString.Empty));
                    break;
                default:
                    yield return ("default", null);
                    break;
            }
        }

        private static void Set(IMessage request, FieldDescriptor field, object? value)
        {
            if (value is null)
            {
                return;
            }
            if (field.IsRepeated)
            {
                // Huge repeated fields: as many copies as fit comfortably below the message size cap.
                var list = (IList)field.Accessor.GetValue(request);
                var copies = value is string { Length: > 1000 } or ByteString { Length: > 1000 } ? 2 : 10_000;
                for (var i = 0; i < copies; i++)
                {
                    list.Add(value);
                }
                return;
            }
            field.Accessor.SetValue(request, field.FieldType == FieldType.Enum ? System.Enum.ToObject(field.Accessor.GetValue(request).GetType(), value) : value);
        }

        private string RandomText()
        {
            var builder = new StringBuilder();
            var length = random.Next(0, 300);
            for (var i = 0; i < length; i++)
            {
                // Any BMP scalar value but the surrogates (which a protobuf string cannot carry alone).
                int c;
                do
                {
                    c = random.Next(0, 0x10000);
                }
                while (c is >= 0xD800 and <= 0xDFFF);
                builder.Append((char)c);
            }
            return builder.ToString();
        }

        private ByteString RandomBytes(int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return ByteString.CopyFrom(bytes);
        }

        private static string Describe(string text) => text.Length > 40
            ? $"{text.Length} chars of '{Escape(text[..8])}…'"
            : $"'{Escape(text)}'";

        private static string Escape(string text) => string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}
