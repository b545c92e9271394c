using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Mosip.Pms.V1;
using Pms.Grpc.Identity;

namespace Pms.Grpc.Grpc;

/// <summary>gRPC adapter for <c>mosip.pms.v1.PartnerService</c>: maps messages to domain calls and back.</summary>
public sealed class PartnerGrpcService(SessionService sessions) : PartnerService.PartnerServiceBase
{
    [AllowAnonymous]
    public override async Task<LoginResponse> Login(LoginRequest request, ServerCallContext context)
    {
        var session = await sessions.LoginAsync(request.Username, request.Password, context.CancellationToken);
        return new LoginResponse
        {
            AccessToken = session.AccessToken,
            RefreshToken = session.RefreshToken,
            ExpiresAt = Timestamp.FromDateTimeOffset(session.AccessTokenExpiresAt),
            RefreshTokenExpiresAt = Timestamp.FromDateTimeOffset(session.RefreshTokenExpiresAt),
            Roles = { session.User.Roles },
            UserId = session.User.Id.ToString(),
            Username = session.User.Username,
            PartnerId = session.User.PartnerId?.ToString() ?? "",
            ConsentRequired = session.ConsentRequired,
        };
    }

    [AllowAnonymous]
    public override async Task<RefreshSessionResponse> RefreshSession(RefreshSessionRequest request, ServerCallContext context)
    {
        var session = await sessions.RefreshAsync(request.RefreshToken, context.CancellationToken);
        return new RefreshSessionResponse
        {
            AccessToken = session.AccessToken,
            RefreshToken = session.RefreshToken,
            ExpiresAt = Timestamp.FromDateTimeOffset(session.AccessTokenExpiresAt),
            RefreshTokenExpiresAt = Timestamp.FromDateTimeOffset(session.RefreshTokenExpiresAt),
            Roles = { session.User.Roles },
            UserId = session.User.Id.ToString(),
            Username = session.User.Username,
            PartnerId = session.User.PartnerId?.ToString() ?? "",
            ConsentRequired = session.ConsentRequired,
        };
    }

    // The refresh token is the credential here: an expired access token must not stop a sign-out.
    [AllowAnonymous]
    public override async Task<Empty> Logout(LogoutRequest request, ServerCallContext context)
    {
        await sessions.LogoutAsync(request.RefreshToken, context.CancellationToken);
        return new Empty();
    }
}
