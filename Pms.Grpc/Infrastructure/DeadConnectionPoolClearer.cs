using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using Pms.Grpc.Errors;

namespace Pms.Grpc.Infrastructure;

/// <summary>
/// Drops the idle connections of PMS's pool as soon as any command, wherever it runs, finds its connection dead.
/// After a PostgreSQL restart every pooled connection is dead while it looks idle, and Npgsql only learns so by using
/// it. The pool used to be cleared only by a failing RPC (ExceptionMappingInterceptor) or health probe; when a
/// background job (the mail sender polls every second) met a dead connection first, the pool kept the others, and
/// which caller met one first decided how many users' calls failed after the restart. Clearing here, for every
/// caller, makes it one failure in all, whoever meets it. A full pool (a wait that ran out) is not a dead one: left alone.
/// </summary>
internal sealed class DeadConnectionPoolClearer : DbCommandInterceptor
{
    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => ClearIfDead(command, eventData.Exception);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ClearIfDead(command, eventData.Exception);
        return Task.CompletedTask;
    }

    private static void ClearIfDead(DbCommand command, Exception exception)
    {
        if (command.Connection is NpgsqlConnection connection && ExceptionMappingInterceptor.IsDatabaseUnreachable(exception)
            && ExceptionMappingInterceptor.PoolExhaustion(exception) is null)
        {
            NpgsqlConnection.ClearPool(connection);
        }
    }
}
