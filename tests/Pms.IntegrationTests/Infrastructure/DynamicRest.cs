using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Api;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Pms.IntegrationTests.Infrastructure;

/// <summary>
/// Calls any transcoded RPC over plain HTTP/JSON, from its descriptor and its <c>google.api.http</c> rule alone: path
/// variables from the request's fields, the rest as the JSON body or the query string. What a REST client would send.
/// </summary>
public static class DynamicRest
{
    /// <summary>The answer of a REST call: the HTTP status, and for an error the <c>google.rpc.Status</c> in the body.</summary>
    public sealed record Answer(HttpStatusCode HttpStatus, StatusCode Code, string? Reason, string Body);

    public static HttpRule? RuleOf(MethodDescriptor method) =>
        method.GetOptions()?.GetExtension(AnnotationsExtensions.Http);

    /// <summary>A rule's (or binding's) HTTP method and path template.</summary>
    public static (HttpMethod Verb, string Template) PatternOf(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => (HttpMethod.Get, rule.Get),
        HttpRule.PatternOneofCase.Post => (HttpMethod.Post, rule.Post),
        HttpRule.PatternOneofCase.Put => (HttpMethod.Put, rule.Put),
        HttpRule.PatternOneofCase.Patch => (HttpMethod.Patch, rule.Patch),
        HttpRule.PatternOneofCase.Delete => (HttpMethod.Delete, rule.Delete),
        _ => throw new InvalidOperationException($"Unsupported google.api.http pattern {rule.PatternCase}."),
    };

    public static async Task<Answer> CallAsync(HttpClient http, MethodDescriptor method, IMessage request, string? bearer)
    {
        var rule = RuleOf(method) ?? throw new InvalidOperationException($"{method.FullName} has no google.api.http rule.");
        var (verb, template) = PatternOf(rule);

        // The request as proto JSON (lowerCamel names), then path variables taken out of it.
        using var json = JsonDocument.Parse(JsonFormatter.Default.Format(request));
        var fields = json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        var path = template;
        foreach (var variable in Variables(template))
        {
            var field = method.InputType.FindFieldByName(variable)
                ?? throw new InvalidOperationException($"{method.FullName}: the path names {variable}, which the request lacks.");
            var value = fields.Remove(field.JsonName, out var given) ? given.ToString() : "";
            path = path.Replace("{" + variable + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        }

        using var message = new HttpRequestMessage(verb, rule.Body == "*" ? path : path + Query(fields))
        {
            Version = http.DefaultRequestVersion,
            VersionPolicy = http.DefaultVersionPolicy,
        };
        if (rule.Body == "*")
        {
            message.Content = new StringContent(JsonSerializer.Serialize(fields), Encoding.UTF8, "application/json");
        }
        if (bearer is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        using var response = await http.SendAsync(message);
        var body = await response.Content.ReadAsStringAsync();
        if (response.IsSuccessStatusCode)
        {
            return new Answer(response.StatusCode, StatusCode.OK, null, body);
        }
        var (code, reason) = ParseStatus(body);
        return new Answer(response.StatusCode, code, reason, body);
    }

    /// <summary>The gRPC code and ErrorInfo reason of a <c>google.rpc.Status</c> JSON body; (Unknown, null) if it is not one.</summary>
    public static (StatusCode Code, string? Reason) ParseStatus(string body)
    {
        try
        {
            using var status = JsonDocument.Parse(body);
            var code = status.RootElement.TryGetProperty("code", out var c) ? (StatusCode)c.GetInt32() : StatusCode.Unknown;
            string? reason = null;
            if (status.RootElement.TryGetProperty("details", out var details))
            {
                foreach (var detail in details.EnumerateArray())
                {
                    if (detail.TryGetProperty("@type", out var type) && type.GetString() == "type.googleapis.com/google.rpc.ErrorInfo" &&
                        detail.TryGetProperty("reason", out var r))
                    {
                        reason = r.GetString();
                    }
                }
            }
            return (code, reason);
        }
        catch (JsonException)
        {
            return (StatusCode.Unknown, null);
        }
    }

    private static IEnumerable<string> Variables(string template)
    {
        for (var start = template.IndexOf('{'); start >= 0; start = template.IndexOf('{', start + 1))
        {
            yield return template[(start + 1)..template.IndexOf('}', start)];
        }
    }

    private static string Query(Dictionary<string, JsonElement> fields)
    {
        var parts = fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value.ValueKind == JsonValueKind.String ? f.Value.GetString()! : f.Value.ToString())}");
        var query = string.Join('&', parts);
        return query.Length == 0 ? "" : "?" + query;
    }

    /// <summary>An HTTP client for PMS's REST face at <paramref name="address"/> (cleartext HTTP/2, as the test server listens).</summary>
    public static HttpClient ClientFor(Uri address) => new()
    {
        BaseAddress = address,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };
}
