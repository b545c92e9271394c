using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pms.Grpc.Data;
using Pms.Grpc.Infrastructure;
using GrpcStatus = Grpc.Core.Status;

namespace Pms.Grpc.Errors;

/// <summary>
/// The one place where exceptions become gRPC statuses. A refusal the client caused keeps its meaning
/// (never INTERNAL or UNKNOWN) and is logged at Debug without a stack trace; an unreachable database is
/// UNAVAILABLE DATABASE_UNAVAILABLE and an exhausted connection pool RESOURCE_EXHAUSTED SERVER_BUSY with a RetryInfo
/// (both Warnings, without stack trace); anything else is logged at Error, for the operator, and answered INTERNAL without internals.
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

    private RpcException Map(Exception exception, ServerCallContext context)
    {
        if (exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            return new RpcException(new GrpcStatus(StatusCode.Cancelled, "The call was cancelled."));
        }
        return Classify(exception, logger, context.Method, context.GetHttpContext().RequestServices) is { } refusal
            ? ToRpcException(refusal)
            : Unexpected(exception, context);
    }

    /// <summary>
    /// What an exception answers, for a gRPC call and for the watch over HTTP alike; null when it is unexpected (the
    /// caller logs it at Error and answers INTERNAL). <paramref name="where"/> names the method or path in the logs.
    /// </summary>
    private static PmsException? Classify(Exception exception, ILogger logger, string where, IServiceProvider services)
    {
        if (Refusal(exception) is { } refusal)
        {
            // The client's business (bad input, lost race, missing right): worth a trace, not an operator's attention.
            logger.LogDebug("{Method} answered {StatusCode} {Reason}: {Message}", where, refusal.StatusCode, refusal.Reason, refusal.Message);
            return refusal;
        }
        if (PoolExhaustion(exception) is { } poolExhausted)
        {
            // The database is fine; this replica has more work than connections. Not the operator's emergency, and not
            // a reason to drop the pool's (healthy, busy) connections: tell the client when to come back.
            logger.LogWarning("{Method} answered RESOURCE_EXHAUSTED SERVER_BUSY: every pooled database connection stayed in use for the whole wait ({Error}). " +
                "Sustained, this asks for more replicas or a larger Maximum Pool Size within PostgreSQL's max_connections.",
                where, poolExhausted.Message);
            return PmsErrors.ResourceExhausted("SERVER_BUSY",
                "PMS is busy right now (all of its database connections are in use); retry after the suggested delay.", ServerBusyRetryDelay);
        }
        if (IsDatabaseUnreachable(exception))
        {
            // The pool may hold more connections that died with the server (a restart nobody probed): drop them all, so
            // the next call opens fresh ones. EF commands do this as they fail (DeadConnectionPoolClearer, which also
            // covers background jobs); this covers the commands an RPC runs on the connection itself (SignInThrottle).
            if (services.GetService<PmsDbContext>() is { } db)
            {
                DatabaseHealthChecks.ClearPool(db);
            }
            logger.LogWarning("{Method} answered UNAVAILABLE: PostgreSQL cannot be reached ({Error}). Check the database server; PMS reconnects by itself.",
                where, exception.GetBaseException().Message);
            return PmsErrors.DatabaseUnavailable();
        }
        return null;
    }

    /// <summary>The refusal an exception stands for, or null when it is not one the client caused.</summary>
    public static PmsException? Refusal(Exception exception) => exception switch
    {
        PmsException pms => pms,
        DbUpdateConcurrencyException => ConcurrentModification(),
        DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } } =>
            PmsErrors.AlreadyExists("ALREADY_EXISTS", "The record already exists."),
        _ when Chain(exception).Any(e => e is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected }) =>
            ConcurrentModification(),
        _ => null,
    };

    /// <summary>How long a client told SERVER_BUSY should wait: long enough for queued calls to drain, short against the 5 s pool wait.</summary>
    public static readonly TimeSpan ServerBusyRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The error saying the call waited its whole <c>Timeout</c> for a pooled connection because all <c>Maximum Pool Size</c>
    /// were in use: the server is overloaded, the database is not at fault. Npgsql says so only in its message (an
    /// NpgsqlException over a TimeoutException, which also counts as transient), so this must be tested first.
    /// </summary>
    public static NpgsqlException? PoolExhaustion(Exception exception) =>
        Chain(exception).OfType<NpgsqlException>().FirstOrDefault(e => e.InnerException is TimeoutException
            && e.Message.StartsWith("The connection pool has been exhausted", StringComparison.Ordinal));

    /// <summary>
    /// True when the exception says PostgreSQL is down or cannot be reached (a refused or broken connection, a
    /// timeout, a server shutting down or starting up): the call may work again later, so it is UNAVAILABLE.
    /// </summary>
    public static bool IsDatabaseUnreachable(Exception exception) =>
        Chain(exception).Any(e => e switch
        {
            PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                    or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections,
            NpgsqlException npgsql => npgsql.IsTransient,
            _ => false,
        });

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static PmsException ConcurrentModification() => PmsErrors.Aborted("CONCURRENT_MODIFICATION",
        "Another change to the same record committed first; read it again and retry.");

    private RpcException Unexpected(Exception exception, ServerCallContext context)
    {
        logger.LogError(exception, "Unhandled error in {Method}", context.Method);
        // A plain status: an unexpected failure carries no ErrorInfo a client could act on.
        return new RpcException(new GrpcStatus(StatusCode.Internal, PmsErrors.Internal().Message));
    }

    /// <summary>
    /// The same mapping for a path that is not a gRPC call (the watch over HTTP ends its event stream with the result):
    /// through <see cref="Classify"/>, so refusals, a busy pool and an unreachable database answer as on gRPC; anything else is logged for the operator and
    /// answered INTERNAL without internals.
    /// </summary>
    public static PmsException ToRefusal(Exception exception, ILogger logger, string path, IServiceProvider services)
    {
        if (Classify(exception, logger, path, services) is { } refusal)
        {
            return refusal;
        }
        logger.LogError(exception, "Unhandled error in {Method}", path);
        return PmsErrors.Internal();
    }

    public static RpcException ToRpcException(PmsException error) => ToStatus(error).ToRpcException();

    /// <summary>The refusal as the <c>google.rpc.Status</c> clients read: ErrorInfo, and BadRequest or RetryInfo where they apply.</summary>
    public static Google.Rpc.Status ToStatus(PmsException error)
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
        if (error.RetryDelay is { } retryDelay)
        {
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryDelay < TimeSpan.Zero ? TimeSpan.Zero : retryDelay) }));
        }
        return status;
    }
}
