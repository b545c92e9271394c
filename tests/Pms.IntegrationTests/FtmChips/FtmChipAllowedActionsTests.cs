using Grpc.Core;
using Mosip.Pms.V1;
using Pms.Grpc.FtmChips;
using Domain = Pms.Grpc.Data.Entities;

namespace Pms.IntegrationTests.FtmChips;

/// <summary>
/// <c>FtmChip.allowed_actions</c> is what the portal's buttons follow: for a chip in each status, every way a chip reaches
/// a caller (the mutation's answer, Get, List, Watch) carries exactly the commands the state machine allows that caller.
/// </summary>
public sealed class FtmChipAllowedActionsTests(FtmChipsFactory pms) : IClassFixture<FtmChipsFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task EachCallerIsToldWhatTheStateMachineAllowsItForTheChipsStatus()
    {
        var owner = await pms.NewProviderAsync();
        var admin = await pms.AdminAsync();
        var service = await pms.ServiceAsync();

        // One chip in each of the five statuses, and the answer of the call that put it there.
        var answers = new List<(FtmChip Chip, FtmChipActor Actor)>();
        var pendingUpload = await pms.AddChipAsync(owner);
        answers.Add((pendingUpload, FtmChipActor.Owner));
        var pendingApproval = await pms.PendingChipAsync(owner);
        answers.Add((pendingApproval, FtmChipActor.Owner));
        var approved = await pms.ApproveAsync(admin, await pms.PendingChipAsync(owner));
        answers.Add((approved, FtmChipActor.Admin));
        var rejected = await pms.Chips.RejectFtmChipAsync(
            new RejectFtmChipRequest { FtmChipId = (await pms.PendingChipAsync(owner)).FtmChipId, Comment = "no" }, admin);
        answers.Add((rejected, FtmChipActor.Admin));
        var deactivated = await pms.Chips.DeactivateFtmChipAsync(
            new DeactivateFtmChipRequest { FtmChipId = (await pms.ApprovedChipAsync(owner, admin)).FtmChipId }, owner.Auth);
        answers.Add((deactivated, FtmChipActor.Owner));

        var chips = new[] { pendingUpload, pendingApproval, approved, rejected, deactivated };
        Assert.Equal(Enum.GetValues<FtmChipStatus>().Where(s => s != FtmChipStatus.Unspecified), chips.Select(c => c.Status));
        foreach (var (chip, actor) in answers)
        {
            AssertActions(chip, actor, "the mutation's answer");
        }

        var callers = new[] { (owner.Auth, FtmChipActor.Owner), (admin, FtmChipActor.Admin), (service, FtmChipActor.Service) };
        foreach (var (auth, actor) in callers)
        {
            var listed = await pms.Chips.ListFtmChipsAsync(
                new ListFtmChipsRequest { PartnerId = owner.PartnerId.ToString(), PageSize = 10 }, auth);
            Assert.Equal(chips.Length, listed.FtmChips.Count);
            foreach (var chip in chips)
            {
                AssertActions(await pms.Chips.GetFtmChipAsync(new GetFtmChipRequest { FtmChipId = chip.FtmChipId }, auth), actor, "GetFtmChip");
                AssertActions(listed.FtmChips.Single(c => c.FtmChipId == chip.FtmChipId), actor, "ListFtmChips");
            }
        }

        // A change reaches each watcher with the actions of that watcher: the owner may renew and deactivate, the admin too.
        using var ownerWatch = await OpenWatchAsync(owner.Auth);
        using var adminWatch = await OpenWatchAsync(admin);
        var approvedLive = await pms.ApproveAsync(admin, pendingApproval);
        foreach (var (watch, actor) in new[] { (ownerWatch, FtmChipActor.Owner), (adminWatch, FtmChipActor.Admin) })
        {
            var change = await NextAboutAsync(watch, approvedLive.FtmChipId);
            Assert.Equal(FtmChipStatus.Approved, change.FtmChip.Status);
            AssertActions(change.FtmChip, actor, "WatchFtmChips");
        }
    }

    private static void AssertActions(FtmChip chip, FtmChipActor actor, string via)
    {
        var expected = FtmChipStateMachine.AllowedCommands((Domain.FtmChipStatus)(int)chip.Status, actor)
            .Select(command => Enum.Parse<FtmChipAction>(command.ToString()))
            .ToList();
        Assert.True(expected.SequenceEqual(chip.AllowedActions),
            $"{via}: a {chip.Status} chip seen by {actor} should allow [{string.Join(", ", expected)}], " +
            $"the answer says [{string.Join(", ", chip.AllowedActions)}]. The chip: {chip}");
    }

    private async Task<AsyncServerStreamingCall<FtmChipEvent>> OpenWatchAsync(Metadata auth)
    {
        var call = pms.Chips.WatchFtmChips(new WatchFtmChipsRequest(), auth);
        await call.ResponseHeadersAsync.WaitAsync(Patience);
        return call;
    }

    private static async Task<FtmChipEvent> NextAboutAsync(AsyncServerStreamingCall<FtmChipEvent> call, string chipId)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            if (call.ResponseStream.Current.FtmChip.FtmChipId == chipId)
            {
                return call.ResponseStream.Current;
            }
        }
        throw new Xunit.Sdk.XunitException($"The watch ended before an event about chip {chipId}.");
    }
}
