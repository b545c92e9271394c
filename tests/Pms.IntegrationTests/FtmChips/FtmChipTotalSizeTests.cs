using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Mosip.Pms.V1;
using Pms.Grpc.FtmChips;

namespace Pms.IntegrationTests.FtmChips;

/// <summary>PMS that logs every SQL command it runs, and keeps a cached total_size far longer than any test runs.</summary>
public class TotalSizeFactory : FtmChipsFactory
{
    private const string CommandCategory = "Microsoft.EntityFrameworkCore.Database.Command";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting($"Logging:LogLevel:{CommandCategory}", "Information");
        // A count that changes during a test was dropped by a notification, never by its age.
        builder.UseSetting("Pms:FtmChipWatch:TotalSizeCacheLifetime", "01:00:00");
    }

    /// <summary>The chip counts PMS ran since <paramref name="mark"/> (a count of <see cref="Logs"/> lines).</summary>
    public IReadOnlyList<string> ChipCountsSince(int mark) => [.. Logs.Lines.Skip(mark)
        .Where(l => l.Category == CommandCategory && l.Message.Contains("count(*)", StringComparison.OrdinalIgnoreCase)
            && l.Message.Contains("ftm_chips", StringComparison.Ordinal))
        .Select(l => l.Message)];

    public string CommandsSince(int mark) => string.Join("\n---\n", Logs.Lines.Skip(mark).Where(l => l.Category == CommandCategory).Select(l => l.Message));
}

/// <summary>
/// ListFtmChips counts the matches for total_size only when asked, and a repeated count comes from a cache that every
/// replica empties when a chip changes anywhere (issue 12: the count was most of a first page's cost).
/// </summary>
public sealed class FtmChipTotalSizeTests(TotalSizeFactory pms) : IClassFixture<TotalSizeFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AFirstPageWithoutTotalSizeRunsNoCountAndOneWithItCountsOnceThenServesTheCachedCount()
    {
        await pms.Services.GetRequiredService<FtmChipEventHub>().WaitUntilListeningAsync(CancellationToken.None);
        var provider = await pms.NewProviderAsync();
        for (var i = 0; i < 3; i++)
        {
            await AddAndHearAsync(pms, provider);
        }

        var mark = pms.Logs.Lines.Count;
        var withoutTotal = await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest { PageSize = 2, IncludeTotalSize = false }, provider.Auth);
        Assert.Equal(2, withoutTotal.FtmChips.Count);
        Assert.NotEmpty(withoutTotal.NextPageToken);
        Assert.Equal(0, withoutTotal.TotalSize);
        Assert.True(pms.ChipCountsSince(mark).Count == 0, "A page without total_size counted the chips. Commands run:\n" + pms.CommandsSince(mark));

        mark = pms.Logs.Lines.Count;
        var asked = await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest { PageSize = 2, IncludeTotalSize = true }, provider.Auth);
        Assert.Equal(3, asked.TotalSize);
        Assert.True(pms.ChipCountsSince(mark).Count == 1, "Asked for total_size, PMS should count once. Commands run:\n" + pms.CommandsSince(mark));

        // Clients from before include_total_size existed leave it unset: they still get the total, here from the cache.
        mark = pms.Logs.Lines.Count;
        var unset = await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest { PageSize = 2 }, provider.Auth);
        Assert.Equal(3, unset.TotalSize);
        Assert.True(pms.ChipCountsSince(mark).Count == 0, "The same count again should come from the cache. Commands run:\n" + pms.CommandsSince(mark));

        // The second page after a page without total_size counts when asked; the token of a counted page carries its total.
        Assert.Equal(3, (await pms.Chips.ListFtmChipsAsync(
            new ListFtmChipsRequest { PageSize = 2, PageToken = withoutTotal.NextPageToken, IncludeTotalSize = true }, provider.Auth)).TotalSize);
        var second = await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest { PageSize = 2, PageToken = asked.NextPageToken }, provider.Auth);
        Assert.Single(second.FtmChips);
        Assert.Equal(3, second.TotalSize);
    }

    [Fact]
    public async Task AChipAddedHereIsCountedByTheVeryNextList()
    {
        await pms.Services.GetRequiredService<FtmChipEventHub>().WaitUntilListeningAsync(CancellationToken.None);
        var provider = await pms.NewProviderAsync();
        await pms.AddChipAsync(provider);
        Assert.Equal(1, (await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest(), provider.Auth)).TotalSize);

        await pms.AddChipAsync(provider);

        // No wait: the replica that made the change drops its counts before it answers the add.
        var after = await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest(), provider.Auth);
        Assert.Equal(2, after.TotalSize);
        Assert.Equal(2, after.FtmChips.Count);
    }

    [Fact]
    public async Task AChipAddedOnAnotherReplicaIsCountedOnceItsNotificationArrives()
    {
        var hub = pms.Services.GetRequiredService<FtmChipEventHub>();
        await hub.WaitUntilListeningAsync(CancellationToken.None);
        var replica = new ReplicaFactory(pms);
        try
        {
            await replica.InitializeAsync();
            var provider = await pms.NewProviderAsync();
            var admin = await pms.AdminAsync();
            var ownFilter = new ListFtmChipsRequest { PartnerId = provider.PartnerId.ToString(), IncludeTotalSize = true };
            await AddAndHearAsync(pms, provider);
            Assert.Equal(1, (await pms.Chips.ListFtmChipsAsync(ownFilter, admin)).TotalSize);
            var mark = pms.Logs.Lines.Count;
            Assert.Equal(1, (await pms.Chips.ListFtmChipsAsync(ownFilter, admin)).TotalSize);
            Assert.True(pms.ChipCountsSince(mark).Count == 0, "The count should be cached before the other replica's add. Commands:\n"
                + pms.CommandsSince(mark));

            // The cache outlives the test (an hour): only the NOTIFY from the other replica can make this replica count again.
            var added = await AddAndHearAsync(replica, provider);

            var answer = await pms.Chips.ListFtmChipsAsync(ownFilter, admin);
            Assert.True(answer.TotalSize == 2, $"This replica heard the other replica's add yet still counts {answer.TotalSize} chip(s).");
            Assert.Contains(answer.FtmChips, c => c.FtmChipId == added.FtmChipId);
        }
        finally
        {
            await ((IAsyncLifetime)replica).DisposeAsync();
        }
    }

    /// <summary>
    /// Adds a chip through <paramref name="adder"/> and waits until this test's replica heard its notification, so that
    /// no notification of it can arrive later and empty a count the test is about to take.
    /// </summary>
    private async Task<FtmChip> AddAndHearAsync(FtmChipsFactory adder, TestProvider provider)
    {
        using var heard = pms.Services.GetRequiredService<FtmChipEventHub>().Subscribe();
        var chip = await adder.AddChipAsync(provider);
        using var timeout = new CancellationTokenSource(Patience);
        await foreach (var change in heard.Changes.ReadAllAsync(timeout.Token))
        {
            if (change.ChipId.ToString() == chip.FtmChipId)
            {
                return chip;
            }
        }
        throw new InvalidOperationException("The chip change listener ended.");
    }

    /// <summary>A second Pms.Grpc on the same database, as another replica behind the load balancer.</summary>
    private sealed class ReplicaFactory(TotalSizeFactory primary) : TotalSizeFactory
    {
        protected override string? ExistingDatabase => primary.ConnectionString;
    }
}
