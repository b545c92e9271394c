using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Mosip.Pms.V1;
using Pms.Grpc.FtmChips.Expiry;

namespace Pms.IntegrationTests.FtmChips;

public sealed class CertificateExpiryJobTests(FtmChipsFactory pms) : IClassFixture<FtmChipsFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task OverFortyDaysTheProviderGetsOneMailPerThresholdForItsPartnerAndChipCertificates()
    {
        var start = pms.Time.GetUtcNow();
        var provider = await pms.NewProviderAsync(o => o.MosipSignedNotAfter = start.AddDays(40));
        var admin = await pms.AdminAsync();
        var chip = await pms.ApprovedChipAsync(provider, admin);
        var gone = await pms.ApprovedChipAsync(provider, admin);
        await pms.Chips.DeactivateFtmChipAsync(new DeactivateFtmChipRequest { FtmChipId = gone.FtmChipId }, admin);
        // The MOSIP-signed chip certificates run out 40½ days from now; the deactivated chip's is of no concern any more.
        await pms.WithDbAsync(db => db.FtmChips.Where(c => c.PartnerId == provider.PartnerId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.MosipSignedNotAfter, start.AddDays(40.5))));

        // Day by day, as the daily job sees it; each day also runs the pass once more, which must add nothing.
        var expectedByDay = new Dictionary<int, string[]>
        {
            [10] = ["partner certificate expires within 30 days"],
            [11] = ["FTM chip certificate expires within 30 days"],
            [25] = ["partner certificate expires within 15 days"],
            [26] = ["FTM chip certificate expires within 15 days"],
            [30] = ["partner certificate expires within 10 days"],
            [31] = ["FTM chip certificate expires within 10 days"],
            [35] = ["partner certificate expires within 5 days"],
            [36] = ["FTM chip certificate expires within 5 days"],
            [39] = ["partner certificate expires within 1 day"],
            [40] = ["FTM chip certificate expires within 1 day"],
        };
        var expected = new List<string>();
        for (var day = 1; day <= 42; day++)
        {
            pms.Time.SetUtcNow(start.AddDays(day));
            await RunPassAsync();
            await RunPassAsync();
            expected.AddRange(expectedByDay.GetValueOrDefault(day, []));
            var mails = await MailsToAsync(provider, expected.Count);
            Assert.Equal(expected, mails.Select(m => m.Subject!["Your MOSIP-signed ".Length..]));
        }

        await Task.Delay(500);
        var all = await MailsToAsync(provider, expected.Count);
        Assert.Equal(10, all.Count);
        Assert.All(all, m => Assert.Equal(provider.Email, m.To.Mailboxes.Single().Address));
        Assert.Contains(all, m => m.TextBody!.Contains($"FTM chip {chip.Make} {chip.Model}", StringComparison.Ordinal));
        Assert.DoesNotContain(all, m => m.TextBody!.Contains(gone.Model, StringComparison.Ordinal));
        var notices = await pms.WithDbAsync(db => db.CertificateExpiryNotices.CountAsync(n => n.ResourceId == chip.FtmChipId));
        Assert.Equal(5, notices);
    }

    [Fact]
    public async Task TheJobRunsByItselfEveryDay()
    {
        var provider = await pms.NewProviderAsync(o => o.MosipSignedNotAfter = pms.Time.GetUtcNow().AddDays(20));
        pms.Time.Advance(TimeSpan.FromDays(1));
        var mails = await MailsToAsync(provider, 1);
        Assert.Equal("Your MOSIP-signed partner certificate expires within 30 days", mails.Single().Subject);
        Assert.Equal(provider.Email, mails.Single().To.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task DeactivatedPartnersGetNoReminders()
    {
        var provider = await pms.NewProviderAsync(o => o.MosipSignedNotAfter = pms.Time.GetUtcNow().AddDays(3));
        await pms.Partners.DeactivatePartnerAsync(new DeactivatePartnerRequest { PartnerId = provider.PartnerId.ToString() }, await pms.AdminAsync());
        await RunPassAsync();
        await Task.Delay(300);
        Assert.Empty(pms.Mail.MessagesTo(provider.Email));
    }

    [Fact]
    public async Task TwoReplicasRunningTheJobAtOnceSendEachReminderOnce()
    {
        var replica = new ReplicaFactory(pms);
        try
        {
            await replica.InitializeAsync();
            replica.Time.SetUtcNow(pms.Time.GetUtcNow());
            var provider = await pms.NewProviderAsync(o => o.MosipSignedNotAfter = pms.Time.GetUtcNow().AddDays(3));
            var chip = await pms.ApprovedChipAsync(provider, await pms.AdminAsync());
            await pms.WithDbAsync(db => db.FtmChips.Where(c => c.Id == Guid.Parse(chip.FtmChipId))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.MosipSignedNotAfter, pms.Time.GetUtcNow().AddDays(4))));

            // Both replicas' daily passes fall at the same moment, several times over.
            var passes = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            {
                using var scope = (i % 2 == 0 ? pms : (FtmChipsFactory)replica).Services.CreateScope();
                return await scope.ServiceProvider.GetRequiredService<CertificateExpiryScanner>().RunAsync(CancellationToken.None);
            }));
            var sent = (await Task.WhenAll(passes)).Sum();

            // Two certificates within 5 days: two reminders in all, whichever replica sent them (the replica's own
            // daily job, woken when its clock was set, may have sent some too).
            Assert.InRange(sent, 0, 2);
            // Delivery is asynchronous (and the replica's own job may be the sender): wait for the two, then give a
            // duplicate time to arrive. A fixed 500 ms wait once saw none of them on a loaded machine.
            List<MimeMessage> Both() => [.. pms.Mail.MessagesTo(provider.Email).Concat(replica.Mail.MessagesTo(provider.Email))];
            using (var deadline = new CancellationTokenSource(Patience))
            {
                while (Both().Count < 2 && !deadline.IsCancellationRequested)
                {
                    await Task.Delay(50);
                }
            }
            await Task.Delay(500);
            var mails = Both();
            Assert.True(mails.Count == 2, $"sent by the passes: {sent}; mails: {string.Join(" | ", mails.Select(m => m.Subject))}");
            Assert.Equal(["FTM chip certificate expires within 5 days", "partner certificate expires within 5 days"],
                mails.Select(m => m.Subject!["Your MOSIP-signed ".Length..]).Order());
        }
        finally
        {
            await ((IAsyncLifetime)replica).DisposeAsync();
        }
    }

    private async Task RunPassAsync()
    {
        using var scope = pms.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<CertificateExpiryScanner>().RunAsync(CancellationToken.None);
    }

    // The provider's mail, in arrival order, once at least `count` have come (the job may still be sending one).
    private async Task<List<MimeMessage>> MailsToAsync(TestProvider provider, int count)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var mails = pms.Mail.MessagesTo(provider.Email).ToList();
            if (mails.Count >= count || deadline.IsCancellationRequested)
            {
                return mails;
            }
            await Task.Delay(50);
        }
    }

    /// <summary>A second Pms.Grpc on the same database, with its own clock and mail server.</summary>
    private sealed class ReplicaFactory(FtmChipsFactory primary) : FtmChipsFactory
    {
        protected override string? ExistingDatabase => primary.ConnectionString;
    }
}
