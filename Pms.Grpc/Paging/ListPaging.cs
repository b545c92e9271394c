using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Pms.Grpc.Errors;

namespace Pms.Grpc.Paging;

/// <summary>AIP-158 list parameters: page size bounds, <c>order_by</c> parsing and opaque keyset page tokens.</summary>
public static class ListPaging
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 200;

    /// <summary>0 means the default; above the maximum is lowered to it; negative is refused.</summary>
    public static int PageSize(int requested)
    {
        if (requested < 0)
        {
            throw PmsErrors.InvalidField("page_size", "page_size must not be negative.");
        }
        return requested == 0 ? DefaultPageSize : Math.Min(requested, MaxPageSize);
    }

    /// <summary>Parses <c>"field"</c>, <c>"field asc"</c> or <c>"field desc"</c> against the fields a list allows.</summary>
    public static (string Field, bool Descending) OrderBy(string orderBy, IReadOnlyCollection<string> allowed, string defaultField, bool defaultDescending)
    {
        if (string.IsNullOrWhiteSpace(orderBy))
        {
            return (defaultField, defaultDescending);
        }
        var parts = orderBy.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var field = parts[0];
        var direction = parts.Length > 1 ? parts[1].ToLowerInvariant() : "asc";
        if (parts.Length > 2 || !allowed.Contains(field) || direction is not ("asc" or "desc"))
        {
            throw PmsErrors.InvalidField("order_by",
                $"order_by must be one of {string.Join(", ", allowed)}, optionally followed by 'asc' or 'desc'.");
        }
        return (field, direction == "desc");
    }

    /// <summary>
    /// Encodes the position after the last row of a page. The token also carries a fingerprint of the
    /// query (filters and order), so a token used with other filters is refused rather than misread.
    /// </summary>
    public static string EncodeToken<TCursor>(TCursor cursor, string queryFingerprint) =>
        Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(new Envelope<TCursor>(Fingerprint(queryFingerprint), cursor)));

    public static TCursor? DecodeToken<TCursor>(string pageToken, string queryFingerprint) where TCursor : class
    {
        if (string.IsNullOrEmpty(pageToken))
        {
            return null;
        }
        try
        {
            var envelope = JsonSerializer.Deserialize<Envelope<TCursor>>(Base64UrlEncoder.DecodeBytes(pageToken));
            if (envelope?.Cursor is not null && envelope.Query == Fingerprint(queryFingerprint))
            {
                return envelope.Cursor;
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
        }
        throw PmsErrors.InvalidField("page_token", "page_token is not valid for this query; start again without it (filters and order_by must stay the same across pages).");
    }

    private static string Fingerprint(string query) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(query)))[..16];

    private sealed record Envelope<TCursor>(string Query, TCursor Cursor);
}
