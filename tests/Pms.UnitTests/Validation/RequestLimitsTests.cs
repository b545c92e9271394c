using System.Text.RegularExpressions;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Mosip.Pms.V1;
using Pms.Grpc.Errors;
using Pms.Grpc.Validation;

namespace Pms.UnitTests.Validation;

public sealed partial class RequestLimitsTests
{
    [Fact]
    public void EveryRequestFieldOfEveryRpcHasALimit()
    {
        Assert.True(ApiDescriptors.Methods.Count() >= 30, "the API's RPCs were not found in the generated code");
        var missing = ApiDescriptors.FieldsWithoutLimit.Select(f => f.FullName).ToList();
        Assert.True(missing.Count == 0, "add a limit to RequestLimits (and state it in the proto comment) for: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryLimitIsStatedInTheProtoCommentOfItsField()
    {
        var protos = Directory.GetFiles(ProtoDirectory(), "*.proto").ToDictionary(p => Path.GetFileName(p), File.ReadAllText);
        var unstated = new List<string>();
        foreach (var field in ApiDescriptors.RequestMessages.SelectMany(m => m.Fields.InFieldNumberOrder()))
        {
            var expected = RequestLimits.For(field) switch
            {
                TextLimit text => text.MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
                NumberLimit { Max: int.MaxValue } => "negative is refused",
                NumberLimit number => number.Max.ToString(System.Globalization.CultureInfo.InvariantCulture),
                TimeLimit => "9999-12-31",
                CertificateDataLimit => "1 MiB",
                _ => null,
            };
            if (expected is null)
            {
                continue;
            }
            var comment = FieldComment(protos[Path.GetFileName(field.File.Name)], field);
            if (!comment.Contains(expected, StringComparison.Ordinal))
            {
                unstated.Add($"{field.FullName} (expected \"{expected}\" in: {comment})");
            }
        }
        Assert.True(unstated.Count == 0, "proto comments that do not state the field's limit: " + string.Join("; ", unstated));
    }

    [Fact]
    public void AHundredYearFilterIsTheLargestAccepted()
    {
        RequestValidationInterceptor.Validate(new ListCaCertificatesRequest { ExpiringWithinDays = 36_500 });
        var refusal = Assert.Throws<PmsException>(() =>
            RequestValidationInterceptor.Validate(new ListCaCertificatesRequest { ExpiringWithinDays = 36_501 }));
        Assert.Equal("VALIDATION_FAILED", refusal.Reason);
        Assert.Equal("expiring_within_days", Assert.Single(refusal.FieldViolations).Field);
    }

    [Fact]
    public void EveryBadFieldOfARequestIsNamedInOneRefusal()
    {
        var refusal = Assert.Throws<PmsException>(() => RequestValidationInterceptor.Validate(new ListFtmChipsRequest
        {
            PageSize = -1,
            MakeContains = new string('x', 37),
            ModelContains = "  padded model  ", // 12 characters once trimmed: accepted
            OrganizationContains = "Acme\0",
            Status = (FtmChipStatus)99, // left to the RPC, which answers it with its own message
            CertificateExpiringWithinDays = int.MaxValue,
        }));
        Assert.Equal(["page_size", "make_contains", "organization_contains", "certificate_expiring_within_days"],
            refusal.FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public void MultiLineTextKeepsItsLineBreaksAndSecretsTheirCharacters()
    {
        RequestValidationInterceptor.Validate(new ApproveFtmChipRequest { FtmChipId = Guid.NewGuid().ToString(), Comment = "line one\r\n\tline two" });
        RequestValidationInterceptor.Validate(new LoginRequest { Username = "asha", Password = "pass\u0001word\0" });
        Assert.Throws<PmsException>(() => RequestValidationInterceptor.Validate(new LoginRequest { Username = "asha\n", Password = "x" }));
    }

    [Theory]
    [InlineData(-62_135_596_800L, 0)] // year 1
    [InlineData(253_402_300_800L, 0)] // year 10000
    [InlineData(long.MaxValue, 0)]
    [InlineData(0L, -1)]
    [InlineData(0L, 1_000_000_000)]
    public void ATimestampOutsideItsRangeIsRefused(long seconds, int nanos)
    {
        var refusal = Assert.Throws<PmsException>(() => RequestValidationInterceptor.Validate(new VerifyCertificateTrustRequest
        {
            PartnerDomain = PartnerDomain.Ftm,
            ValidationTime = new Timestamp { Seconds = seconds, Nanos = nanos },
        }));
        Assert.Equal("validation_time", Assert.Single(refusal.FieldViolations).Field);
    }

    // The comment lines right above "<type> <name> = <number>;" inside "message <Name> {".
    private static string FieldComment(string proto, FieldDescriptor field)
    {
        var message = Regex.Match(proto, $@"message {field.ContainingType.Name} \{{(?<body>[^}}]*)\}}");
        Assert.True(message.Success, $"message {field.ContainingType.Name} not found in {field.File.Name}");
        var lines = message.Groups["body"].Value.Split('\n');
        var index = Array.FindIndex(lines, l => Regex.IsMatch(l, $@"\s{field.Name} = {field.FieldNumber};"));
        var comment = new List<string>();
        for (var i = index - 1; i >= 0 && lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal); i--)
        {
            comment.Insert(0, lines[i].Trim().TrimStart('/').Trim());
        }
        return string.Join(" ", comment);
    }

    private static string ProtoDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "protos", "mosip", "pms", "v1");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("protos/mosip/pms/v1 not found above " + AppContext.BaseDirectory);
    }
}
