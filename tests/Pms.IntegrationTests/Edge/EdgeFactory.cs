using Grpc.Core;
using Mosip.Pms.V1;
using Pms.IntegrationTests.FtmChips;

namespace Pms.IntegrationTests.Edge;

/// <summary>
/// PMS over a real socket (Kestrel, HTTP/2) with an FTM trust store, an admin, an onboarded FTM provider owning one
/// chip, and an internal service account: what the edge tests call every RPC as.
/// </summary>
public class EdgeFactory : FtmChipsFactory
{
    protected override bool OverSockets => true;

    public Metadata Admin { get; private set; } = new();
    public TestProvider Provider { get; private set; } = null!;
    public FtmChip Chip { get; private set; } = null!;

    protected override async Task ArrangeAsync()
    {
        Admin = await AdminAsync();
        Provider = await NewProviderAsync();
        Chip = await this.AddChipAsync(Provider);
    }
}
