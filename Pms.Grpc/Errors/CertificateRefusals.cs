using Grpc.Core;
using Pms.Grpc.Certificates;

namespace Pms.Grpc.Errors;

/// <summary>
/// The one place where a broken certificate rule becomes the client's error. The certificate engine answers with
/// values (<see cref="Checked{T}"/>, <see cref="CertificateRuleViolation"/>); the services call
/// <see cref="OrRefuse{T}"/> where a violation ends the call.
/// </summary>
public static class CertificateRefusals
{
    /// <summary>The accepted value, or the violation thrown as the refusal the client sees.</summary>
    public static T OrRefuse<T>(this Checked<T> outcome) =>
        outcome.IsAccepted ? outcome.Value : throw ToRefusal(outcome.Violation);

    /// <summary>Throws the violation, when there is one, as the refusal the client sees.</summary>
    public static void OrRefuse(this CertificateRuleViolation? violation)
    {
        if (violation is not null)
        {
            throw ToRefusal(violation);
        }
    }

    /// <summary>
    /// A violation as a refusal: INVALID_ARGUMENT, FAILED_PRECONDITION or ALREADY_EXISTS by its kind, its reason
    /// and message, MOSIP's code as ErrorInfo metadata "mosip_error_code", a path failure's cause as metadata
    /// "cause", and a BadRequest field violation when a request field other than the certificate is at fault.
    /// </summary>
    public static PmsException ToRefusal(CertificateRuleViolation violation)
    {
        ArgumentNullException.ThrowIfNull(violation);
        return new PmsException(
            violation.Kind switch
            {
                CertificateViolationKind.FailedPrecondition => StatusCode.FailedPrecondition,
                CertificateViolationKind.AlreadyExists => StatusCode.AlreadyExists,
                _ => StatusCode.InvalidArgument,
            },
            violation.Reason,
            violation.Message,
            string.IsNullOrEmpty(violation.MosipErrorCode) ? null : violation.MosipErrorCode,
            violation.Field is null ? null : [new FieldViolation(violation.Field, violation.Message)],
            violation.Cause is null ? null : new Dictionary<string, string> { ["cause"] = violation.Cause });
    }
}
