using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pms.Grpc.Certificates;

namespace Pms.Grpc.Errors;

/// <summary>
/// The one place where exceptions become gRPC statuses. A refusal the client caused keeps its meaning
/// (never INTERNAL or UNKNOWN); anything else is logged and answered INTERNAL without internals.
/// </summary>
public sealed class ExceptionMappingInterceptor(ILogger<ExceptionMappingInterceptor> logger) : Interceptor
{
    public const string ErrorDomain = "pms.mosip.io";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    private RpcException Map(Exception exception, ServerCallContext context) => exception switch
    {
        PmsException pms => ToRpcException(pms),
        CertificateValidationException certificate => ToRpcException(FromCertificateViolation(certificate.Violation)),
        DbUpdateConcurrencyException => ToRpcException(new PmsException(StatusCode.Aborted, "CONCURRENT_MODIFICATION",
            "Another change to the same record committed first; read it again and retry.")),
        DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } } =>
            ToRpcException(new PmsException(StatusCode.AlreadyExists, "ALREADY_EXISTS", "The record already exists.")),
        OperationCanceledException when context.CancellationToken.IsCancellationRequested =>
            new RpcException(new global::Grpc.Core.Status(StatusCode.Cancelled, "The call was cancelled.")),
        _ when IsDatabaseUnavailable(exception) => DatabaseUnavailable(exception, context),
        _ => Unexpected(exception, context),
    };

    // PostgreSQL down, restarting, or a pooled connection it closed: the call may succeed if retried.
    private static bool IsDatabaseUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException { IsTransient: true })
            {
                return true;
            }
        }
        return false;
    }

    private RpcException DatabaseUnavailable(Exception exception, ServerCallContext context)
    {
        // /health reports the outage to whoever must act; one warning per failed call is enough here.
        logger.LogWarning("{Method} failed: the database is unavailable ({Message})", context.Method, exception.GetBaseException().Message);
        return ToRpcException(new PmsException(StatusCode.Unavailable, "DATABASE_UNAVAILABLE",
            "PMS cannot reach its database right now; try again in a moment."));
    }

    private RpcException Unexpected(Exception exception, ServerCallContext context)
    {
        logger.LogError(exception, "Unhandled error in {Method}", context.Method);
        return new RpcException(new global::Grpc.Core.Status(StatusCode.Internal,
            "PMS failed to handle the request. The error was logged; try again or contact the operator."));
    }

    /// <summary>A broken certificate rule as the refusal a client sees.</summary>
    public static PmsException FromCertificateViolation(CertificateRuleViolation violation) => new(
        violation.Kind == CertificateViolationKind.FailedPrecondition ? StatusCode.FailedPrecondition : StatusCode.InvalidArgument,
        violation.Reason,
        violation.Message,
        string.IsNullOrEmpty(violation.MosipErrorCode) ? null : violation.MosipErrorCode,
        metadata: violation.Cause is null ? null : new Dictionary<string, string> { ["cause"] = violation.Cause });

    public static RpcException ToRpcException(PmsException error)
    {
        var info = new ErrorInfo { Reason = error.Reason, Domain = ErrorDomain };
        if (!string.IsNullOrEmpty(error.MosipErrorCode))
        {
            info.Metadata["mosip_error_code"] = error.MosipErrorCode;
        }
        foreach (var (key, value) in error.Metadata)
        {
            info.Metadata[key] = value;
        }

        var status = new Google.Rpc.Status
        {
            Code = (int)error.StatusCode,
            Message = error.Message,
            Details = { Any.Pack(info) },
        };
        if (error.FieldViolations.Count > 0)
        {
            var badRequest = new BadRequest();
            badRequest.FieldViolations.AddRange(error.FieldViolations.Select(v =>
                new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
            status.Details.Add(Any.Pack(badRequest));
        }
        return status.ToRpcException();
    }
}
