using Grpc.Core;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mosip.Pms.V1;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Identity;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.Identity;

/// <summary>
/// Issue 10, items 2 and 5: the failure count is atomic (parallel guesses all count, ChangePassword's too), and a
/// failed sign-in does the same work whether or not the username exists.
/// </summary>
public sealed class SignInCounterTests(PmsFactory pms) : IClassFixture<PmsFactory>
{
    private const string Password = "Counted-Password-1";

    [Fact]
    public async Task FiftyParallelWrongPasswordsCountFifty()
    {
        var username = await pms.CreateUserAsync(Password, "PMS_SERVICE");
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Assert.ThrowsAsync<RpcException>(() => pms.LoginAsync(username, $"wrong-password-{i}"))));
        Assert.All(answers, ex => Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode));

        // Read-increment-save counted a handful of these; the atomic upsert counts every one.
        Assert.Equal(50, await CountAsync(username));

        // A right password gives its own count back and leaves the failures counted.
        await pms.LoginAsync(username, Password);
        Assert.Equal(50, await CountAsync(username));
    }

    [Fact]
    public async Task WrongCurrentPasswordsInChangePasswordCountLikeFailedSignIns()
    {
        var username = await pms.CreateUserAsync(Password, "PMS_SERVICE");
        var auth = PmsFactory.Bearer((await pms.LoginAsync(username, Password)).AccessToken);
        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => RpcAssert.FailsAsync(StatusCode.InvalidArgument, "INVALID_CURRENT_PASSWORD", () =>
            pms.Partners.ChangePasswordAsync(new ChangePasswordRequest { CurrentPassword = $"wrong-{i}", NewPassword = "Another-Password-2" }, auth).ResponseAsync)));
        Assert.Equal(5, await CountAsync(username));
    }

    [Fact]
    public async Task AFailedSignInDoesTheSameWorkForAnUnknownUsernameAsForAKnownOne()
    {
        var known = await pms.CreateUserAsync(Password, "PMS_SERVICE");
        var unknown = "nobody-" + Guid.NewGuid().ToString("N")[..8];
        var knownAnswer = await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_CREDENTIALS", () => pms.LoginAsync(known, "wrong-password-1"));
        var unknownAnswer = await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_CREDENTIALS", () => pms.LoginAsync(unknown, "wrong-password-1"));
        Assert.Equal(knownAnswer.ToString(), unknownAnswer.ToString());

        // Both paths count the attempt and write an audit row (before issue 10 the unknown path did neither).
        Assert.Equal(1, await CountAsync(known));
        Assert.Equal(1, await CountAsync(unknown));
        await using var scope = pms.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "LOGIN_FAILED" && e.ActorUsername == known));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "LOGIN_FAILED" && e.ActorUsername == unknown));
    }

    private async Task<int> CountAsync(string username)
    {
        await using var scope = pms.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SignInThrottle>().CurrentCountAsync(UserNames.Normalize(username), default);
    }
}
