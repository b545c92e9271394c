namespace Pms.Grpc.FtmChips;

/// <summary>Who asks, relative to the chip.</summary>
public enum FtmChipActor
{
    /// <summary>The FTM provider the chip belongs to.</summary>
    Owner = 1,
    /// <summary>An FTM provider the chip does not belong to: the chip does not exist for it.</summary>
    OtherProvider = 2,
    /// <summary>PARTNER_ADMIN.</summary>
    Admin = 3,
    /// <summary>PMS_SERVICE: reads only.</summary>
    Service = 4,
}
