using System.Diagnostics;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mosip.Pms.V1;
using Pms.Grpc.Partners;
using Pms.Grpc.TrustStore;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.FtmChips;

/// <summary>
/// A provider's reads take its partner row from a short-lived cache (one database round trip per read), yet a
/// deactivation or an accepted change of terms still stops or frees its reads at once: on the replica that made the
/// change directly, on the others through PostgreSQL NOTIFY.
/// </summary>
public sealed class FtmChipReadGateTests(FtmChipsFactory pms) : IClassFixture<FtmChipsFactory>
{
    [Fact]
    public async Task ADeactivatedProvidersNextReadIsRefusedEvenRightAfterACachedOne()
    {
        var provider = await pms.NewProviderAsync();
        var chip = await pms.AddChipAsync(provider);
        var admin = await pms.AdminAsync();
        var get = new GetFtmChipRequest { FtmChipId = chip.FtmChipId };
        Assert.Equal(chip.FtmChipId, (await pms.Chips.GetFtmChipAsync(get, provider.Auth)).FtmChipId);

        await pms.Partners.DeactivatePartnerAsync(new DeactivatePartnerRequest { PartnerId = provider.PartnerId.ToString() }, admin);

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "PARTNER_DEACTIVATED", () => pms.Chips.GetFtmChipAsync(get, provider.Auth).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "PARTNER_DEACTIVATED", () =>
            pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest(), provider.Auth).ResponseAsync);

        // Activated again, it reads again at once (its sessions ended with the deactivation: it signs in anew).
        await pms.Partners.ActivatePartnerAsync(new ActivatePartnerRequest { PartnerId = provider.PartnerId.ToString() }, admin);
        var again = await pms.SignInAgainAsync(provider);
        Assert.Equal(chip.FtmChipId, (await pms.Chips.GetFtmChipAsync(get, again.Auth)).FtmChipId);
    }

    [Fact]
    public async Task AChangeCommittedByAnotherReplicaReachesTheCacheThroughANotificationNotJustWhenItExpires()
    {
        await pms.Services.GetRequiredService<TrustStoreChangeListener>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        var provider = await pms.NewProviderAsync();
        var chip = await pms.AddChipAsync(provider);
        var get = new GetFtmChipRequest { FtmChipId = chip.FtmChipId };
        Assert.Equal(chip.FtmChipId, (await pms.Chips.GetFtmChipAsync(get, provider.Auth)).FtmChipId);

        // What another replica's deactivation does to the database: the row changes, then the NOTIFY.
        await pms.WithDbAsync(async db =>
        {
            await db.Database.ExecuteSqlAsync($"UPDATE partners SET status = 3 WHERE id = {provider.PartnerId}");
            await db.Database.ExecuteSqlAsync($"SELECT pg_notify({PartnerAccessCache.Channel}, {provider.PartnerId.ToString()})");
        });
        var changed = Stopwatch.StartNew();

        StatusCode? refused = null;
        while (refused is null && changed.Elapsed < PartnerAccessCache.Lifetime + TimeSpan.FromSeconds(5))
        {
            try
            {
                await pms.Chips.GetFtmChipAsync(get, provider.Auth);
                await Task.Delay(20);
            }
            catch (RpcException ex)
            {
                refused = ex.StatusCode;
            }
        }

        Assert.Equal(StatusCode.FailedPrecondition, refused);
        Assert.True(changed.Elapsed < PartnerAccessCache.Lifetime,
            $"The read was refused only after {changed.Elapsed.TotalSeconds:0.0} s, when the cache entry expired: the notification did not arrive.");
    }
}
