using Pms.Grpc.FtmChips;
using A = Pms.Grpc.FtmChips.FtmChipActor;
using C = Pms.Grpc.FtmChips.FtmChipCommand;
using S = Pms.Grpc.Data.Entities.FtmChipStatus;

namespace Pms.UnitTests.FtmChips;

/// <summary>
/// The whole table, generated: every status × command × actor, each checked against the contract as written in
/// docs/ftm-chips.md and ftm_chip_service.proto (restated here, apart from the implementation).
/// </summary>
public sealed class FtmChipStateMachineTests
{
    // The five allowed transitions and who may make them.
    private static readonly (S From, C Command, A[] Who, S To)[] Contract =
    [
        (S.PendingCertUpload, C.UploadCertificate, [A.Owner, A.Admin], S.PendingApproval),
        (S.Approved, C.UploadCertificate, [A.Owner, A.Admin], S.PendingApproval),
        (S.PendingApproval, C.Approve, [A.Admin], S.Approved),
        (S.PendingApproval, C.Reject, [A.Admin], S.Rejected),
        (S.Approved, C.Deactivate, [A.Owner, A.Admin], S.Deactivated),
    ];

    public static TheoryData<S, C, A> EveryCombination()
    {
        var data = new TheoryData<S, C, A>();
        foreach (var status in Enum.GetValues<S>())
        {
            foreach (var command in Enum.GetValues<C>())
            {
                foreach (var actor in Enum.GetValues<A>())
                {
                    data.Add(status, command, actor);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryCombination))]
    public void EveryStatusCommandAndActorGetsTheAnswerTheContractGives(S status, C command, A actor)
    {
        var decision = FtmChipStateMachine.Decide(status, command, actor);
        Assert.Equal(Expected(status, command, actor), decision);
    }

    [Fact]
    public void TheTableHasOneDecisionForEachOfTheEightyCombinations()
    {
        Assert.Equal(5 * 4 * 4, EveryCombination().Count());
        Assert.Equal(EveryCombination().Count(), FtmChipStateMachine.Table.Count);
    }

    [Fact]
    public void RejectedAndDeactivatedChipsNeverChangeAgain()
    {
        foreach (var ((status, _, _), decision) in FtmChipStateMachine.Table)
        {
            if (status is S.Rejected or S.Deactivated)
            {
                Assert.False(decision.IsAllowed);
            }
        }
        Assert.True(FtmChipStateMachine.IsFinal(S.Rejected));
        Assert.True(FtmChipStateMachine.IsFinal(S.Deactivated));
        Assert.DoesNotContain(Enum.GetValues<S>().Where(s => s is not (S.Rejected or S.Deactivated)), FtmChipStateMachine.IsFinal);
    }

    [Fact]
    public void EveryStatusCanBeReachedFromANewChip()
    {
        var reached = new HashSet<S> { S.PendingCertUpload };
        var frontier = new Queue<S>(reached);
        while (frontier.TryDequeue(out var from))
        {
            foreach (var ((status, _, _), decision) in FtmChipStateMachine.Table)
            {
                if (status == from && decision.To is { } to && reached.Add(to))
                {
                    frontier.Enqueue(to);
                }
            }
        }
        Assert.Equal(Enum.GetValues<S>().ToHashSet(), reached);
    }

    public static TheoryData<S, A> EveryStatusAndActor()
    {
        var data = new TheoryData<S, A>();
        foreach (var status in Enum.GetValues<S>())
        {
            foreach (var actor in Enum.GetValues<A>())
            {
                data.Add(status, actor);
            }
        }
        return data;
    }

    // What FtmChip.allowed_actions carries: exactly the commands the contract lets this actor give a chip in this status.
    [Theory]
    [MemberData(nameof(EveryStatusAndActor))]
    public void TheAllowedCommandsAreThoseTheContractAllowsForTheStatusAndActor(S status, A actor)
    {
        var expected = Contract.Where(t => t.From == status && t.Who.Contains(actor)).Select(t => t.Command).Order().ToList();
        Assert.Equal(expected, FtmChipStateMachine.AllowedCommands(status, actor));
    }

    [Fact]
    public void InternalServicesMayChangeNoChip()
    {
        Assert.All(FtmChipStateMachine.Table.Where(e => e.Key.Actor == A.Service),
            e => Assert.Equal(FtmChipVerdict.PermissionDenied, e.Value.Verdict));
    }

    [Fact]
    public void AnotherProviderNeverLearnsAChipsStatus()
    {
        // Whatever the chip's status, another provider gets the same answer per command: nothing depends on the chip.
        foreach (var command in Enum.GetValues<C>())
        {
            var answers = Enum.GetValues<S>().Select(s => FtmChipStateMachine.Decide(s, command, A.OtherProvider)).Distinct().ToList();
            Assert.Single(answers);
            Assert.False(answers[0].IsAllowed);
            Assert.DoesNotContain(answers, a => a.Verdict == FtmChipVerdict.InvalidTransition);
        }
    }

    [Theory]
    [InlineData(true, false, null, A.Admin)]
    [InlineData(false, false, "owner", A.Owner)]
    [InlineData(false, false, "other", A.OtherProvider)]
    [InlineData(false, true, null, A.Service)]
    public void TheCallerIsTheOwnerOnlyWhenItsPartnerOwnsTheChip(bool isAdmin, bool isService, string? partner, A expected)
    {
        var owner = Guid.NewGuid();
        Guid? callerPartner = partner switch { "owner" => owner, "other" => Guid.NewGuid(), _ => null };
        Assert.Equal(expected, FtmChipStateMachine.ActorFor(isAdmin, isService, callerPartner, owner));
    }

    // The contract, rule by rule: the role may issue the command at all (else PERMISSION_DENIED); another provider's chip
    // does not exist for it (NOT_FOUND); a listed transition is allowed; anything else is INVALID_STATE_TRANSITION with
    // MOSIP's code where the proto names one.
    private static FtmChipDecision Expected(S status, C command, A actor)
    {
        var roleMayIssue = command switch
        {
            C.Approve or C.Reject => actor == A.Admin,
            _ => actor is A.Owner or A.OtherProvider or A.Admin,
        };
        if (!roleMayIssue)
        {
            return new FtmChipDecision(FtmChipVerdict.PermissionDenied);
        }
        if (actor == A.OtherProvider)
        {
            return new FtmChipDecision(FtmChipVerdict.NotFound);
        }
        foreach (var (from, c, who, to) in Contract)
        {
            if (from == status && c == command && who.Contains(actor))
            {
                return new FtmChipDecision(FtmChipVerdict.Allowed, to);
            }
        }
        var code = (command, status) switch
        {
            (C.UploadCertificate, S.Deactivated) => "PMP_AUT_039",
            (C.UploadCertificate, _) => "PMP_AUT_038",
            (C.Approve, S.PendingCertUpload) => "PMP_AUT_033",
            (C.Deactivate, S.Deactivated) => "PMS_FTM_ERROR_007",
            (C.Deactivate, _) => "PMS_FTM_ERROR_010",
            _ => null,
        };
        return new FtmChipDecision(FtmChipVerdict.InvalidTransition, MosipErrorCode: code);
    }
}
