using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Localization;
using Mosip.Pms.V1;
using Pms.Web.Client.Resources;

namespace Pms.Web.Client.Shared;

/// <summary>How the portal writes times, sizes and the contract's enum values for people, in the current language.</summary>
public static class Display
{
    /// <summary>A time in UTC, written as the language writes dates (the pattern is the resource <c>Format_DateTime</c>:
    /// ISO in English, day and month name in French and Arabic), with the language's month names.</summary>
    public static string DateTime(IStringLocalizer<Strings> l, Timestamp? timestamp) =>
        timestamp is null ? "—" : timestamp.ToDateTimeOffset().ToString(l["Format_DateTime"], CultureInfo.CurrentCulture);

    public static string Date(IStringLocalizer<Strings> l, Timestamp? timestamp) =>
        timestamp is null ? "—" : timestamp.ToDateTimeOffset().ToString(l["Format_Date"], CultureInfo.CurrentCulture);

    /// <summary>The ISO form for a <c>&lt;time datetime&gt;</c> attribute.</summary>
    public static string? Iso(Timestamp? timestamp) =>
        timestamp?.ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>A file size with the language's units and decimal separator (1,5 Ko in French).</summary>
    public static string Size(IStringLocalizer<Strings> l, long bytes) => bytes switch
    {
        < 1024 => l["Size_Bytes", bytes],
        < 1024 * 1024 => l["Size_Kilobytes", (bytes / 1024.0).ToString("0.#", CultureInfo.CurrentCulture)],
        _ => l["Size_Megabytes", (bytes / (1024.0 * 1024.0)).ToString("0.##", CultureInfo.CurrentCulture)],
    };

    /// <summary>How people name a chip model: make and model.</summary>
    public static string ChipName(FtmChip chip) => $"{chip.Make} {chip.Model}";

    /// <summary>The status names MOSIP's portal shows for FTM chips.</summary>
    public static string Status(IStringLocalizer<Strings> l, FtmChipStatus status) => status switch
    {
        FtmChipStatus.PendingCertUpload => l["ChipStatus_PendingCertUpload"],
        FtmChipStatus.PendingApproval => l["ChipStatus_PendingApproval"],
        FtmChipStatus.Approved => l["ChipStatus_Approved"],
        FtmChipStatus.Rejected => l["ChipStatus_Rejected"],
        FtmChipStatus.Deactivated => l["ChipStatus_Deactivated"],
        _ => l["Common_Unknown"],
    };

    public static string Status(IStringLocalizer<Strings> l, PartnerStatus status) => status switch
    {
        PartnerStatus.InProgress => l["PartnerStatus_InProgress"],
        PartnerStatus.Active => l["PartnerStatus_Active"],
        PartnerStatus.Deactivated => l["PartnerStatus_Deactivated"],
        _ => l["Common_Unknown"],
    };

    public static string Type(IStringLocalizer<Strings> l, PartnerType type) => type switch
    {
        PartnerType.FtmProvider => l["PartnerType_FtmProvider"],
        PartnerType.DeviceProvider => l["PartnerType_DeviceProvider"],
        PartnerType.AuthPartner => l["PartnerType_AuthPartner"],
        _ => l["Common_Unknown"],
    };

    /// <summary>MOSIP's names of the partner domains: codes, the same in every language.</summary>
    public static string Domain(PartnerDomain domain) => domain switch
    {
        PartnerDomain.Ftm => "FTM",
        PartnerDomain.Device => "DEVICE",
        PartnerDomain.Auth => "AUTH",
        _ => "—",
    };

    public static string Type(IStringLocalizer<Strings> l, CaCertificateType type) => type switch
    {
        CaCertificateType.Root => l["CaType_Root"],
        CaCertificateType.Intermediate => l["CaType_Intermediate"],
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
