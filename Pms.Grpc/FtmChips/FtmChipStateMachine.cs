using System.Collections.Frozen;
using Pms.Grpc.Data.Entities;

namespace Pms.Grpc.FtmChips;

/// <summary>The answer of the state machine: allowed into <see cref="To"/>, or refused, with MOSIP's code where MOSIP has one.</summary>
public sealed record FtmChipDecision(FtmChipVerdict Verdict, FtmChipStatus? To = null, string? MosipErrorCode = null)
{
    public bool IsAllowed => Verdict == FtmChipVerdict.Allowed;

    public override string ToString() => Verdict switch
    {
        FtmChipVerdict.Allowed => $"→ {To}",
        FtmChipVerdict.InvalidTransition => MosipErrorCode is null ? "invalid transition" : $"invalid transition ({MosipErrorCode})",
        _ => Verdict.ToString(),
    };
}

/// <summary>
/// The FTM chip lifecycle as data: status × command × actor → decision. Pure: no I/O, no clock. The service asks it
/// before every change, so the rules live here once.
/// </summary>
public static class FtmChipStateMachine
{
    public const string UploadOnlyWhilePendingUploadOrApproved = "PMP_AUT_038";
    public const string UploadOnDeactivatedChip = "PMP_AUT_039";
    public const string ApproveNeedsCertificate = "PMP_AUT_033";
    public const string AlreadyDeactivated = "PMS_FTM_ERROR_007";
    public const string DeactivateOnlyApproved = "PMS_FTM_ERROR_010";

    [Flags]
    private enum Actors
    {
        None = 0,
        Owner = 1,
        Admin = 2,
        OwnerOrAdmin = Owner | Admin,
    }

    private sealed record Transition(FtmChipStatus From, FtmChipCommand Command, Actors Who, FtmChipStatus To);

    // The allowed transitions (docs/ftm-chips.md and docs/architecture.md). Everything not listed is refused.
    private static readonly Transition[] Transitions =
    [
        new(FtmChipStatus.PendingCertUpload, FtmChipCommand.UploadCertificate, Actors.OwnerOrAdmin, FtmChipStatus.PendingApproval),
        new(FtmChipStatus.Approved, FtmChipCommand.UploadCertificate, Actors.OwnerOrAdmin, FtmChipStatus.PendingApproval),
        new(FtmChipStatus.PendingApproval, FtmChipCommand.Approve, Actors.Admin, FtmChipStatus.Approved),
        new(FtmChipStatus.PendingApproval, FtmChipCommand.Reject, Actors.Admin, FtmChipStatus.Rejected),
        new(FtmChipStatus.Approved, FtmChipCommand.Deactivate, Actors.OwnerOrAdmin, FtmChipStatus.Deactivated),
    ];

    // MOSIP's code for a refused transition, where MOSIP has one.
    private static readonly Dictionary<(FtmChipStatus, FtmChipCommand), string> RefusalCodes = new()
    {
        [(FtmChipStatus.PendingApproval, FtmChipCommand.UploadCertificate)] = UploadOnlyWhilePendingUploadOrApproved,
        [(FtmChipStatus.Rejected, FtmChipCommand.UploadCertificate)] = UploadOnlyWhilePendingUploadOrApproved,
        [(FtmChipStatus.Deactivated, FtmChipCommand.UploadCertificate)] = UploadOnDeactivatedChip,
        [(FtmChipStatus.PendingCertUpload, FtmChipCommand.Approve)] = ApproveNeedsCertificate,
        [(FtmChipStatus.PendingCertUpload, FtmChipCommand.Deactivate)] = DeactivateOnlyApproved,
        [(FtmChipStatus.PendingApproval, FtmChipCommand.Deactivate)] = DeactivateOnlyApproved,
        [(FtmChipStatus.Rejected, FtmChipCommand.Deactivate)] = DeactivateOnlyApproved,
        [(FtmChipStatus.Deactivated, FtmChipCommand.Deactivate)] = AlreadyDeactivated,
    };

    /// <summary>Every (status, command, actor) with its decision, worked out once from the rules above.</summary>
    public static FrozenDictionary<(FtmChipStatus Status, FtmChipCommand Command, FtmChipActor Actor), FtmChipDecision> Table { get; } = Build();

    public static IReadOnlyList<FtmChipStatus> Statuses { get; } = Enum.GetValues<FtmChipStatus>();
    public static IReadOnlyList<FtmChipCommand> Commands { get; } = Enum.GetValues<FtmChipCommand>();
    public static IReadOnlyList<FtmChipActor> ActorKinds { get; } = Enum.GetValues<FtmChipActor>();

    /// <summary>REJECTED and DEACTIVATED: nothing leads out of them.</summary>
    public static bool IsFinal(FtmChipStatus status) => status is FtmChipStatus.Rejected or FtmChipStatus.Deactivated;

    public static FtmChipDecision Decide(FtmChipStatus status, FtmChipCommand command, FtmChipActor actor) =>
        Table.TryGetValue((status, command, actor), out var decision)
            ? decision
            : throw new ArgumentOutOfRangeException(nameof(status), $"No rule for {status} × {command} × {actor}.");

    /// <summary>
    /// The commands <paramref name="actor"/> may give a chip in <paramref name="status"/> now, in command order: what the
    /// portal offers as buttons (<c>FtmChip.allowed_actions</c>), so it never keeps a copy of these rules.
    /// </summary>
    public static IReadOnlyList<FtmChipCommand> AllowedCommands(FtmChipStatus status, FtmChipActor actor) =>
        AllowedByStatusAndActor.TryGetValue((status, actor), out var commands)
            ? commands
            : throw new ArgumentOutOfRangeException(nameof(status), $"No rule for {status} × {actor}.");

    private static readonly FrozenDictionary<(FtmChipStatus, FtmChipActor), FtmChipCommand[]> AllowedByStatusAndActor =
        Table.GroupBy(entry => (entry.Key.Status, entry.Key.Actor))
            .ToFrozenDictionary(g => g.Key, g => g.Where(e => e.Value.IsAllowed).Select(e => e.Key.Command).Order().ToArray());

    /// <summary>Who the caller is to this chip: admins first (an admin account is never a provider), then ownership.</summary>
    public static FtmChipActor ActorFor(bool isAdmin, bool isService, Guid? callerPartnerId, Guid chipPartnerId) =>
        isAdmin ? FtmChipActor.Admin
        : callerPartnerId is { } partnerId ? (partnerId == chipPartnerId ? FtmChipActor.Owner : FtmChipActor.OtherProvider)
        : isService ? FtmChipActor.Service
        : FtmChipActor.OtherProvider;

    private static FrozenDictionary<(FtmChipStatus, FtmChipCommand, FtmChipActor), FtmChipDecision> Build()
    {
        var table = new Dictionary<(FtmChipStatus, FtmChipCommand, FtmChipActor), FtmChipDecision>();
        foreach (var status in Enum.GetValues<FtmChipStatus>())
        {
            foreach (var command in Enum.GetValues<FtmChipCommand>())
            {
                foreach (var actor in Enum.GetValues<FtmChipActor>())
                {
                    table[(status, command, actor)] = Evaluate(status, command, actor);
                }
            }
        }
        return table.ToFrozenDictionary();
    }

    // Checked in this order: the role may do the command at all; the chip is visible to the caller; the status allows it.
    private static FtmChipDecision Evaluate(FtmChipStatus status, FtmChipCommand command, FtmChipActor actor)
    {
        var mayEverDoIt = Transitions.Where(t => t.Command == command).Aggregate(Actors.None, (who, t) => who | t.Who);
        var role = actor switch
        {
            FtmChipActor.Owner or FtmChipActor.OtherProvider => Actors.Owner,
            FtmChipActor.Admin => Actors.Admin,
            _ => Actors.None,
        };
        if ((mayEverDoIt & role) == Actors.None)
        {
            return new FtmChipDecision(FtmChipVerdict.PermissionDenied);
        }
        if (actor == FtmChipActor.OtherProvider)
        {
            return new FtmChipDecision(FtmChipVerdict.NotFound);
        }

        var transition = Transitions.SingleOrDefault(t => t.From == status && t.Command == command && (t.Who & role) != Actors.None);
        return transition is not null
            ? new FtmChipDecision(FtmChipVerdict.Allowed, transition.To)
            : new FtmChipDecision(FtmChipVerdict.InvalidTransition, MosipErrorCode: RefusalCodes.GetValueOrDefault((status, command)));
    }
}
