using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Mosip.Pms.V1;

namespace Pms.Web.Client.Shared;

/// <summary>How the portal writes times, sizes and the contract's enum values for people.</summary>
public static class Display
{
    public static string DateTime(Timestamp? timestamp) =>
        timestamp is null ? "—" : timestamp.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Date(Timestamp? timestamp) =>
        timestamp is null ? "—" : timestamp.ToDateTimeOffset().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The ISO form for a <c>&lt;time datetime&gt;</c> attribute.</summary>
    public static string? Iso(Timestamp? timestamp) =>
        timestamp?.ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} bytes",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.##} MB"),
    };

    /// <summary>How people name a chip model: make and model.</summary>
    public static string ChipName(FtmChip chip) => $"{chip.Make} {chip.Model}";

    public static string Count(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n.ToString(CultureInfo.InvariantCulture)} {many}";

    /// <summary>The status names MOSIP's portal shows for FTM chips.</summary>
    public static string Status(FtmChipStatus status) => status switch
    {
        FtmChipStatus.PendingCertUpload => "Pending for Certificate Upload",
        FtmChipStatus.PendingApproval => "Pending for Approval",
        FtmChipStatus.Approved => "Approved",
        FtmChipStatus.Rejected => "Rejected",
        FtmChipStatus.Deactivated => "Deactivated",
        _ => "Unknown",
    };

    public static string Status(PartnerStatus status) => status switch
    {
        PartnerStatus.InProgress => "In progress",
        PartnerStatus.Active => "Active",
        PartnerStatus.Deactivated => "Deactivated",
        _ => "Unknown",
    };

    public static string Type(PartnerType type) => type switch
    {
        PartnerType.FtmProvider => "FTM Chip Provider",
        PartnerType.DeviceProvider => "Device Provider",
        PartnerType.AuthPartner => "Authentication Partner",
        _ => "Unknown",
    };

    public static string Domain(PartnerDomain domain) => domain switch
    {
        PartnerDomain.Ftm => "FTM",
        PartnerDomain.Device => "DEVICE",
        PartnerDomain.Auth => "AUTH",
        _ => "—",
    };

    public static string Type(CaCertificateType type) => type switch
    {
        CaCertificateType.Root => "Root CA",
        CaCertificateType.Intermediate => "Intermediate CA",
        _ => "—",
    };

    /// <summary>The badge colour class of a chip status.</summary>
    public static string Tone(FtmChipStatus status) => status switch
    {
        FtmChipStatus.PendingCertUpload => "badge-warning",
        FtmChipStatus.PendingApproval => "badge-info",
        FtmChipStatus.Approved => "badge-success",
        FtmChipStatus.Rejected => "badge-danger",
        _ => "badge-neutral",
    };

    public static string Tone(PartnerStatus status) => status switch
    {
        PartnerStatus.InProgress => "badge-warning",
        PartnerStatus.Active => "badge-success",
        _ => "badge-neutral",
    };

    /// <summary>The subject's CN (or the whole name when it has none), for compact lists.</summary>
    public static string CommonName(string distinguishedName)
    {
        foreach (var part in distinguishedName.Split(','))
        {
            var trimmed = part.Trim();
            if (trimmed.StartsWith("CN=", StringComparison.OrdinalIgnoreCase))
            {
                return trimmed[3..];
            }
        }

        return distinguishedName;
    }

    /// <summary>A file-name-safe form of a name, for downloads.</summary>
    public static string FileName(string name)
    {
        var chars = name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray();
        var result = new string(chars).Trim('-');
        return result.Length == 0 ? "certificate" : result;
    }
}
