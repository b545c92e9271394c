using System.Diagnostics.CodeAnalysis;

namespace Pms.Grpc.Certificates;

/// <summary>
/// What a step of the certificate engine decided: a value, or the first rule the input broke. The engine never throws
/// for a bad certificate; the gRPC layer turns a violation into the client's error in one place
/// (<c>Pms.Grpc.Errors.CertificateRefusals</c>), and a bundle upload keeps it as a per-entry failure.
/// </summary>
public readonly struct Checked<T>
{
    private readonly T? _value;
    private readonly CertificateRuleViolation? _violation;

    // Set only by the two ways of deciding, so default(Checked<T>) (a field never assigned, an array slot) is neither
    // accepted nor refused: reading it is a programming error, not a silently accepted certificate.
    private readonly bool _decided;

    private Checked(T? value, CertificateRuleViolation? violation)
    {
        _value = value;
        _violation = violation;
        _decided = true;
    }

    /// <summary>The broken rule; null when the input was accepted.</summary>
    public CertificateRuleViolation? Violation => _decided ? _violation : throw NeverDecided();

    [MemberNotNullWhen(false, nameof(Violation))]
    public bool IsAccepted => _decided ? _violation is null : throw NeverDecided();

    /// <summary>The accepted value; asking for it after a refusal is a programming error.</summary>
    public T Value => IsAccepted
        ? _value!
        : throw new InvalidOperationException($"The certificate check refused the input ({Violation.Reason}); read Violation instead.");

    /// <summary>An accepted value (also written as a plain conversion, except where <typeparamref name="T"/> is an interface).</summary>
    public static Checked<T> Accept(T value) => new(value, null);

    public static implicit operator Checked<T>(T value) => new(value, null);

    public static implicit operator Checked<T>(CertificateRuleViolation violation) =>
        new(default, violation ?? throw new ArgumentNullException(nameof(violation)));

    /// <summary>The next step on an accepted value; a refusal passes through unchanged.</summary>
    public Checked<TNext> Then<TNext>(Func<T, Checked<TNext>> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return IsAccepted ? next(_value!) : Violation;
    }

    private static InvalidOperationException NeverDecided() =>
        new($"This Checked<{typeof(T).Name}> was never decided (default value): a certificate step returned without accepting or refusing.");
}
