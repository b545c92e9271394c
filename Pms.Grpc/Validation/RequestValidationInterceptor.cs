using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Pms.Grpc.Errors;

namespace Pms.Grpc.Validation;

/// <summary>
/// The edge of PMS: every request is checked against <see cref="RequestLimits"/> before its RPC runs. Whatever
/// breaks a limit is answered INVALID_ARGUMENT <c>VALIDATION_FAILED</c> with one field violation per bad field, so
/// an oversized string, a control character, or an out-of-range number or timestamp never reaches the domain, the
/// database or date arithmetic. Enum values are left to the RPCs, which answer undefined ones with their own codes.
/// Authorization runs before this (in the ASP.NET pipeline), so an anonymous caller learns nothing from it.
/// </summary>
public sealed class RequestValidationInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Validate(request);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Validate(request);
        return continuation(request, responseStream, context);
    }

    /// <summary>Throws the VALIDATION_FAILED refusal listing every field of <paramref name="request"/> that breaks its limit.</summary>
    public static void Validate(object? request)
    {
        if (request is not IMessage message)
        {
            return;
        }
        var violations = new List<FieldViolation>();
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated)
            {
                // No request has a repeated field today; one added later is refused whole rather than left unbounded.
                if (value is IList { Count: > 0 })
                {
                    violations.Add(new(field.Name, $"{field.Name} is not accepted by this RPC."));
                }
                continue;
            }
            if (Check(field, value) is { } problem)
            {
                violations.Add(new(field.Name, problem));
            }
        }
        if (violations.Count > 0)
        {
            if (RequestLimits.FormRules.TryGetValue(message.Descriptor.FullName, out var formRules))
            {
                violations.AddRange(formRules(message).Where(v => violations.All(known => known.Field != v.Field)));
            }
            throw PmsErrors.InvalidFields(violations);
        }
    }

    private static string? Check(FieldDescriptor field, object? value)
    {
        var limit = RequestLimits.For(field);
        return (field.FieldType, value) switch
        {
            (FieldType.String, string text) => CheckText(field.Name, text, limit as TextLimit ?? DefaultText),
            (FieldType.Bytes, ByteString bytes) => limit is CertificateDataLimit || bytes.Length <= DefaultText.MaxLength
                ? null
                : $"{field.Name} must be at most {DefaultText.MaxLength} bytes.",
            (FieldType.Message, Timestamp time) => CheckTime(field.Name, time, limit as TimeLimit ?? DefaultTime),
            (FieldType.Message, null) => null,
            (_, int or long or uint or ulong) when limit is NumberLimit range => CheckNumber(field.Name, Convert.ToDecimal(value, CultureInfo.InvariantCulture), range),
            _ => null,
        };
    }

    // A field missing from the table (the unit test prevents it) still gets a conservative bound.
    private static readonly TextLimit DefaultText = new(256);
    private static readonly TimeLimit DefaultTime = new(RequestLimits.MinTime, RequestLimits.MaxTime);

    private static string? CheckText(string name, string text, TextLimit limit)
    {
        var length = limit.Trimmed ? text.AsSpan().Trim().Length : text.Length;
        if (length > limit.MaxLength)
        {
            return $"{name} must be at most {limit.MaxLength} characters{(limit.Trimmed ? " after trimming" : "")} (it has {length}).";
        }
        if (limit.Secret)
        {
            return null;
        }
        foreach (var c in text)
        {
            if (char.IsControl(c) && !(limit.MultiLine && c is '\n' or '\r' or '\t'))
            {
                return $"{name} must not contain control characters (found U+{(int)c:X4}).";
            }
        }
        return null;
    }

    private static string? CheckNumber(string name, decimal value, NumberLimit limit) =>
        value < limit.Min || value > limit.Max
            ? $"{name} must be between {limit.Min.ToString(CultureInfo.InvariantCulture)} and {limit.Max.ToString(CultureInfo.InvariantCulture)} (it is {value.ToString(CultureInfo.InvariantCulture)})."
            : null;

    private static string? CheckTime(string name, Timestamp time, TimeLimit limit)
    {
        if (time.Nanos is < 0 or > 999_999_999)
        {
            return $"{name} has invalid nanos ({time.Nanos}); they must be 0–999999999.";
        }
        if (time.Seconds < limit.Min.ToUnixTimeSeconds() || time.Seconds > limit.Max.ToUnixTimeSeconds())
        {
            return $"{name} must be between {limit.Min:yyyy-MM-dd'T'HH:mm:ss'Z'} and {limit.Max:yyyy-MM-dd'T'HH:mm:ss'Z'}.";
        }
        return null;
    }
}
