using Grpc.Core;
using Mosip.Pms.V1;
using Npgsql;
using Pms.Grpc.FtmChips;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.FtmChips;

public sealed class FtmChipWatchTests(FtmChipsFactory pms) : IClassFixture<FtmChipsFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task WatchersSeeOtherClientsChangesAsTheyHappenAndAProviderOnlyItsOwnChips()
    {
        var admin = await pms.AdminAsync();
        var maker = await pms.NewProviderAsync();
        var bystander = await pms.NewProviderAsync();

        using var adminWatch = await OpenAsync(new WatchFtmChipsRequest(), admin);
        using var makerWatch = await OpenAsync(new WatchFtmChipsRequest(), maker.Auth);
        using var bystanderWatch = await OpenAsync(new WatchFtmChipsRequest(), bystander.Auth);

        // Other clients change the maker's chip: the maker adds and uploads, the admin approves.
        var chip = await pms.AddChipAsync(maker);
        await pms.UploadAsync(maker.Auth, chip, pms.ChipCertificate(maker.Organization));
        await pms.ApproveAsync(admin, chip, "ok");

        foreach (var watch in new[] { adminWatch, makerWatch })
        {
            var created = await NextAsync(watch);
            Assert.Equal(FtmChipEventType.Created, created.EventType);
            Assert.Equal(chip.FtmChipId, created.FtmChip.FtmChipId);
            Assert.Equal(FtmChipStatus.Unspecified, created.PreviousStatus);
            Assert.Equal(maker.Username, created.Actor);

            var uploaded = await NextAsync(watch);
            Assert.Equal(FtmChipEventType.CertificateUploaded, uploaded.EventType);
            Assert.Equal(FtmChipStatus.PendingCertUpload, uploaded.PreviousStatus);

            var approved = await NextAsync(watch);
            Assert.Equal(FtmChipEventType.Approved, approved.EventType);
            Assert.Equal(FtmChipStatus.PendingApproval, approved.PreviousStatus);
            Assert.Equal(FtmChipStatus.Approved, approved.FtmChip.Status);
            Assert.Equal(PmsFactory.AdminUsername, approved.Actor);
            Assert.Equal("ok", approved.FtmChip.ReviewComment);
        }

        // The event id is the audit event's: a client can drop duplicates or look the change up.
        var history = await pms.Audit.ListAuditEventsAsync(new ListAuditEventsRequest { ResourceType = "ftm_chip", ResourceId = chip.FtmChipId }, admin);
        Assert.Equal(3, history.TotalSize);

        // The bystander heard nothing of the maker's chip: the first event it gets is about its own.
        var own = await pms.AddChipAsync(bystander);
        var first = await NextAsync(bystanderWatch);
        Assert.Equal(own.FtmChipId, first.FtmChip.FtmChipId);
        var adminSees = await NextAsync(adminWatch);
        Assert.Equal(own.FtmChipId, adminSees.FtmChip.FtmChipId);
        Assert.Contains(history.AuditEvents, e => e.Action == "FTM_CHIP_APPROVED");
    }

    [Fact]
    public async Task EventIdsAreTheAuditEventsOfTheChanges()
    {
        var admin = await pms.AdminAsync();
        var provider = await pms.NewProviderAsync();
        using var watch = await OpenAsync(new WatchFtmChipsRequest { PartnerId = provider.PartnerId.ToString() }, admin);
        var chip = await pms.AddChipAsync(provider);
        var created = await NextAsync(watch);
        var audit = await pms.Audit.ListAuditEventsAsync(new ListAuditEventsRequest { ResourceType = "ftm_chip", ResourceId = chip.FtmChipId }, admin);
        Assert.Equal(audit.AuditEvents.Single().EventId, created.EventId);
        Assert.Equal(audit.AuditEvents.Single().OccurredAt, created.OccurredAt);
    }

    [Fact]
    public async Task AWatchCanFollowOneStatusOrOneProvider()
    {
        var admin = await pms.AdminAsync();
        var first = await pms.NewProviderAsync();
        var second = await pms.NewProviderAsync();
        using var approvals = await OpenAsync(new WatchFtmChipsRequest { Status = FtmChipStatus.Approved }, admin);
        using var secondOnly = await OpenAsync(new WatchFtmChipsRequest { PartnerId = second.PartnerId.ToString() }, admin);
        // A provider asking for another provider's chips gets nothing of them.
        using var nosy = await OpenAsync(new WatchFtmChipsRequest { PartnerId = second.PartnerId.ToString() }, first.Auth);

        var approved = await pms.ApprovedChipAsync(first, admin);
        var secondsChip = await pms.AddChipAsync(second);
        var firstsLater = await pms.AddChipAsync(first);

        var approval = await NextAsync(approvals);
        Assert.Equal((approved.FtmChipId, FtmChipEventType.Approved), (approval.FtmChip.FtmChipId, approval.EventType));
        var seen = await NextAsync(secondOnly);
        Assert.Equal(secondsChip.FtmChipId, seen.FtmChip.FtmChipId);

        // Nothing more for either: the next events they get are from a later approval of the second's chip.
        await pms.ApproveAsync(admin, await pms.UploadAsync(second.Auth, secondsChip, pms.ChipCertificate(second.Organization)));
        var nextApproval = await NextAsync(approvals);
        Assert.Equal((secondsChip.FtmChipId, FtmChipEventType.Approved), (nextApproval.FtmChip.FtmChipId, nextApproval.EventType));
        Assert.Equal(FtmChipEventType.CertificateUploaded, (await NextAsync(secondOnly)).EventType);
        Assert.NotEqual(firstsLater.FtmChipId, seen.FtmChip.FtmChipId);

        // The nosy provider's stream stays silent.
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<Exception>(() => nosy.ResponseStream.MoveNext(quiet.Token));
    }

    [Fact]
    public async Task WhenTheDatabaseListenerDropsWatchesEndAndANewWatchSeesChangesAgain()
    {
        var admin = await pms.AdminAsync();
        var provider = await pms.NewProviderAsync();
        using var before = await OpenAsync(new WatchFtmChipsRequest(), admin);

        await using (var connection = new NpgsqlConnection(pms.ConnectionString))
        {
            await connection.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @name AND datname = current_database()",
                connection);
            kill.Parameters.AddWithValue("name", FtmChipEventHub.ListenerApplicationName);
            Assert.Equal(1L, await kill.ExecuteScalarAsync());
        }

        // Changes may have been missed while it was down, so the watch ends rather than go quiet.
        await RpcAssert.FailsAsync(StatusCode.Unavailable, "EVENT_STREAM_INTERRUPTED", () => NextAsync(before));

        // A new watch opens once the listener is back, and sees what happens next.
        using var after = await OpenAsync(new WatchFtmChipsRequest(), admin);
        var chip = await pms.AddChipAsync(provider);
        Assert.Equal(chip.FtmChipId, (await NextAsync(after)).FtmChip.FtmChipId);
    }

    [Fact]
    public async Task AnUndefinedStatusIsRefusedWhenTheWatchOpens()
    {
        var admin = await pms.AdminAsync();
        using var call = pms.Chips.WatchFtmChips(new WatchFtmChipsRequest { Status = (FtmChipStatus)42 }, admin);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () => call.ResponseStream.MoveNext(CancellationToken.None));
    }

    [Fact]
    public async Task AWatchOnOneReplicaSeesChangesMadeOnAnother()
    {
        var replica = new ReplicaFactory(pms);
        try
        {
            await replica.InitializeAsync();
            var provider = await pms.NewProviderAsync();

            using var watchOnReplica = replica.Chips.WatchFtmChips(new WatchFtmChipsRequest(),
                PmsFactory.Bearer((await replica.LoginAsAdminAsync()).AccessToken));
            await watchOnReplica.ResponseHeadersAsync.WaitAsync(Patience);

            var chip = await pms.AddChipAsync(provider);
            var seen = await NextAsync(watchOnReplica);
            Assert.Equal(chip.FtmChipId, seen.FtmChip.FtmChipId);
            Assert.Equal(provider.Organization, seen.FtmChip.OrganizationName);
        }
        finally
        {
            await ((IAsyncLifetime)replica).DisposeAsync();
        }
    }

    [Fact]
    public async Task AUserHoldsOnlySoManyWatchesAtOnceAndGetsASlotBackWhenOneEnds()
    {
        var provider = await pms.NewProviderAsync();
        var other = await pms.NewProviderAsync();
        var limit = new FtmChipWatchOptions().MaxWatchesPerUser;
        var open = new List<AsyncServerStreamingCall<FtmChipEvent>>();
        try
        {
            for (var i = 0; i < limit; i++)
            {
                open.Add(await OpenAsync(new WatchFtmChipsRequest(), provider.Auth));
            }

            using (var refused = pms.Chips.WatchFtmChips(new WatchFtmChipsRequest(), provider.Auth))
            {
                await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, "TOO_MANY_WATCHES", () => refused.ResponseStream.MoveNext(CancellationToken.None));
            }

            // The limit is the user's own: another provider still watches.
            using var others = await OpenAsync(new WatchFtmChipsRequest(), other.Auth);

            // Ending a watch gives its slot back once the server has seen the cancellation.
            open[0].Dispose();
            open.RemoveAt(0);
            var deadline = DateTime.UtcNow + Patience;
            while (true)
            {
                var again = pms.Chips.WatchFtmChips(new WatchFtmChipsRequest(), provider.Auth);
                try
                {
                    await again.ResponseHeadersAsync.WaitAsync(Patience);
                    open.Add(again);
                    break;
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted && DateTime.UtcNow < deadline)
                {
                    again.Dispose();
                    await Task.Delay(100);
                }
            }

            // Every watch still held, the reopened one included, hears the provider's next change.
            var chip = await pms.AddChipAsync(provider);
            foreach (var watch in open)
            {
                Assert.Equal(chip.FtmChipId, (await NextAsync(watch)).FtmChip.FtmChipId);
            }
        }
        finally
        {
            foreach (var watch in open)
            {
                watch.Dispose();
            }
        }
    }

    // Opens a watch and waits for its headers: from then on the server listens, so no later change is missed.
    [Fact]
    public async Task AProvidersWatchEndsWhenTheAdminDeactivatesThePartner()
    {
        var provider = await pms.NewProviderAsync();
        using var watch = await OpenAsync(new WatchFtmChipsRequest(), provider.Auth);

        await pms.Partners.DeactivatePartnerAsync(new DeactivatePartnerRequest { PartnerId = provider.PartnerId.ToString(), Comment = "test" },
            await pms.AdminAsync());

        // Before issue 10 the stream stayed open, delivering changes to a deactivated partner.
        var ended = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Equal("SESSION_REVOKED", ended.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>().Reason);
    }

    private async Task<AsyncServerStreamingCall<FtmChipEvent>> OpenAsync(WatchFtmChipsRequest request, Metadata auth)
    {
        var call = pms.Chips.WatchFtmChips(request, auth);
        await call.ResponseHeadersAsync.WaitAsync(Patience);
        return call;
    }

    private static async Task<FtmChipEvent> NextAsync(AsyncServerStreamingCall<FtmChipEvent> call)
    {
        using var timeout = new CancellationTokenSource(Patience);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "The stream ended.");
        return call.ResponseStream.Current;
    }

    /// <summary>A second Pms.Grpc process on the same database, as another replica behind the load balancer.</summary>
    private sealed class ReplicaFactory(FtmChipsFactory primary) : FtmChipsFactory
    {
        protected override string? ExistingDatabase => primary.ConnectionString;
    }
}
