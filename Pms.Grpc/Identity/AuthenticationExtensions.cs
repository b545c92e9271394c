using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;
using Pms.Grpc.Errors;

namespace Pms.Grpc.Identity;

public static class AuthenticationExtensions
{
    /// <summary>
    /// JWT bearer authentication and role-based authorization. Each RPC declares who may call it with
    /// <c>[Authorize(Roles = ...)]</c> or <c>[AllowAnonymous]</c>; an RPC that declares nothing refuses everyone.
    /// Refusals of gRPC and gRPC-Web calls are answered as gRPC statuses (UNAUTHENTICATED, PERMISSION_DENIED) with an
    /// ErrorInfo, and of REST/JSON calls as the same status in JSON; other HTTP requests get plain 401/403, or 404 on a
    /// path where nothing is mapped.
    /// </summary>
    public static IServiceCollection AddPmsAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<ValidatedTokenCache>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenIssuer, ValidatedTokenCache>((options, issuer, validatedTokens) =>
            {
                options.MapInboundClaims = false;
                // Nothing reads the token back from the authentication properties: storing it cost a dictionary per call.
                options.SaveToken = false;
                options.TokenValidationParameters = issuer.ValidationParameters();
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(validatedTokens);
                options.Events = new JwtBearerEvents
                {
                    // A valid signature is not enough: the session must still be alive (not signed out, revoked or past its end).
                    OnTokenValidated = async context =>
                    {
                        var principal = context.Principal!;
                        if (!Guid.TryParse(principal.FindFirst(PmsClaims.SessionId)?.Value, out var sessionId)
                            || !Guid.TryParse(principal.FindFirst(PmsClaims.Subject)?.Value, out var userId))
                        {
                            context.Fail(SessionEnded(SessionState.Revoked));
                            return;
                        }
                        var state = await context.HttpContext.RequestServices.GetRequiredService<SessionRegistry>()
                            .CheckAsync(sessionId, userId, context.HttpContext.RequestAborted);
                        if (state != SessionState.Active)
                        {
                            context.Fail(SessionEnded(state));
                        }
                    },
                    OnChallenge = async context =>
                    {
                        if (!IsRpc(context.HttpContext))
                        {
                            // A plain HTTP request (a browser, a scanner, a health probe on a wrong path) gets a plain
                            // answer: 404 where nothing is mapped, otherwise the handler's own 401 with WWW-Authenticate.
                            if (context.HttpContext.GetEndpoint() is null)
                            {
                                context.HandleResponse();
                                context.Response.StatusCode = StatusCodes.Status404NotFound;
                            }
                            return;
                        }
                        context.HandleResponse();
                        var refusal = context.AuthenticateFailure switch
                        {
                            PmsException sessionEnded => sessionEnded,
                            SecurityTokenExpiredException =>
                                PmsErrors.Unauthenticated("TOKEN_EXPIRED", "The access token has expired; refresh the session or sign in again."),
                            not null => PmsErrors.Unauthenticated("INVALID_TOKEN", "The access token is not valid (bad signature, issuer or format); sign in again."),
                            null when string.IsNullOrEmpty(context.Request.Headers.Authorization) =>
                                PmsErrors.Unauthenticated("AUTHENTICATION_REQUIRED", "Sign in first: send 'authorization: Bearer <access token>'."),
                            null => PmsErrors.Unauthenticated("INVALID_TOKEN", "The authorization header must be 'Bearer <access token>'."),
                        };
                        await GrpcErrorResponse.WriteAsync(context.HttpContext, refusal);
                    },
                    OnForbidden = context =>
                    {
                        if (!IsRpc(context.HttpContext))
                        {
                            return Task.CompletedTask;
                        }
                        var roles = string.Join(", ", context.Principal?.FindAll(PmsClaims.Role).Select(c => c.Value) ?? []);
                        return GrpcErrorResponse.WriteAsync(context.HttpContext, PmsErrors.PermissionDenied("ROLE_NOT_ALLOWED",
                            $"Your role ({(roles.Length == 0 ? "none" : roles)}) may not call {context.Request.Path.Value?.TrimStart('/')}."));
                    },
                };
            });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder()
                .RequireAssertion(_ => false)
                .Build());
        return services;
    }

    /// <summary>
    /// A call of an RPC: gRPC and gRPC-Web (binary and text), or REST/JSON on a transcoded RPC's path, which is answered
    /// with the same status as JSON (<see cref="RestStatus"/>). Everything else on this port is plain HTTP.
    /// </summary>
    private static bool IsRpc(HttpContext http) =>
        RestStatus.IsGrpc(http.Request) || http.GetEndpoint()?.Metadata is { } metadata
            && (metadata.GetMetadata<GrpcMethodMetadata>() is not null || metadata.GetMetadata<RestStatus.RestEndpoint>() is not null);

    /// <summary>The access token is genuine but its session is over: the refusal the challenge answers with.</summary>
    private static PmsException SessionEnded(SessionState state) => state == SessionState.Expired
        ? PmsErrors.Unauthenticated("SESSION_EXPIRED", "The session reached its absolute lifetime; sign in again.")
        : PmsErrors.Unauthenticated("SESSION_REVOKED", "This session was ended (sign-out, password change or reset, or deactivation); sign in again.");
}
