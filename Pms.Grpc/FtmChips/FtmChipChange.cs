using System.Text.Json;
using System.Text.Json.Serialization;
using Pms.Grpc.Data.Entities;

namespace Pms.Grpc.FtmChips;

/// <summary>
/// One committed chip transition, as it travels from the replica that made it to every replica's watchers: the
/// payload of <c>NOTIFY pms_ftm_chips</c>. Small (well under PostgreSQL's 8000-byte limit) and free of personal data.
/// </summary>
public sealed record FtmChipChange(
    [property: JsonPropertyName("chip")] Guid ChipId,
    [property: JsonPropertyName("partner")] Guid PartnerId,
    [property: JsonPropertyName("event")] FtmChipChangeKind Kind,
    [property: JsonPropertyName("audit")] Guid AuditEventId,
    [property: JsonPropertyName("from")] FtmChipStatus? From,
    [property: JsonPropertyName("to")] FtmChipStatus To,
    [property: JsonPropertyName("actor")] string Actor,
    [property: JsonPropertyName("at")] DateTimeOffset OccurredAt)
{
    /// <summary>The PostgreSQL notification channel.</summary>
    public const string Channel = "pms_ftm_chips";

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The change in a notification payload, or null when the payload is not one (logged by the caller).</summary>
    public static FtmChipChange? TryParse(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize<FtmChipChange>(payload);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
