using Grpc.Core;
using Mosip.Pms.V1;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.FtmChips;

public sealed class FtmChipConcurrencyTests(FtmChipsFactory pms) : IClassFixture<FtmChipsFactory>
{
    private static readonly string[] ValidStatuses =
        ["FTM_CHIP_STATUS_PENDING_CERT_UPLOAD", "FTM_CHIP_STATUS_PENDING_APPROVAL", "FTM_CHIP_STATUS_APPROVED", "FTM_CHIP_STATUS_REJECTED", "FTM_CHIP_STATUS_DEACTIVATED"];

    [Fact]
    public async Task TwentyRacingApprovalsDeactivationsAndRenewalsLeaveOneValidStateAndAnUnbrokenAuditTrail()
    {
        var provider = await pms.NewProviderAsync();
        var admin = await pms.AdminAsync();
        var chip = await pms.ApprovedChipAsync(provider, admin);
        var certificates = Enumerable.Range(0, 20).Select(_ => pms.ChipCertificate(provider.Organization)).ToArray();

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                var result = (i % 3) switch
                {
                    0 => await pms.ApproveAsync(admin, chip, $"approval {i}"),
                    1 => await pms.Chips.DeactivateFtmChipAsync(new DeactivateFtmChipRequest { FtmChipId = chip.FtmChipId },
                        i % 2 == 0 ? admin : provider.Auth),
                    _ => await pms.UploadAsync(provider.Auth, chip, certificates[i]),
                };
                return (Call: i % 3, Code: StatusCode.OK, Reason: "");
            }
            catch (RpcException ex)
            {
                return (Call: i % 3, Code: ex.StatusCode, Reason: ex.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason ?? "");
            }
        })).ToArray();
        start.SetResult();
        var outcomes = await Task.WhenAll(calls);

        // Every call either won, lost the race (ABORTED), or came after a change that made it invalid (FAILED_PRECONDITION).
        Assert.All(outcomes, o => Assert.Contains((o.Code, o.Reason), new[]
        {
            (StatusCode.OK, ""),
            (StatusCode.Aborted, "CONCURRENT_MODIFICATION"),
            (StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION"),
        }));
        var wins = outcomes.Count(o => o.Code == StatusCode.OK);
        Assert.InRange(wins, 1, 20);

        // The audit trail is one unbroken chain: each transition starts where the previous one ended.
        // Refused uploads are audited too (issue 10), but they are not transitions.
        var trail = (await pms.ChipHistoryAsync(chip.FtmChipId)).Where(t => t.Action != "FTM_CHIP_CERTIFICATE_REFUSED").ToList();
        Assert.Equal(3 + wins, trail.Count);
        Assert.Equal("FTM_CHIP_CREATED", trail[0].Action);
        for (var i = 1; i < trail.Count; i++)
        {
            Assert.Equal(trail[i - 1].To, trail[i].From);
        }
        Assert.All(trail, t => Assert.Contains(t.To, ValidStatuses));
        Assert.Equal(outcomes.Count(o => o is { Call: 0, Code: StatusCode.OK }), trail.Skip(3).Count(t => t.Action == "FTM_CHIP_APPROVED"));
        Assert.Equal(outcomes.Count(o => o is { Call: 1, Code: StatusCode.OK }), trail.Skip(3).Count(t => t.Action == "FTM_CHIP_DEACTIVATED"));
        Assert.Equal(outcomes.Count(o => o is { Call: 2, Code: StatusCode.OK }), trail.Skip(3).Count(t => t.Action == "FTM_CHIP_CERTIFICATE_UPLOADED"));
        Assert.True(trail.Count(t => t.Action == "FTM_CHIP_DEACTIVATED") <= 1);

        // The chip is in the state the last transition left it in.
        var final = await pms.Chips.GetFtmChipAsync(new GetFtmChipRequest { FtmChipId = chip.FtmChipId }, admin);
        Assert.Equal(trail[^1].To, ValidStatuses[(int)final.Status - 1]);
    }
}
