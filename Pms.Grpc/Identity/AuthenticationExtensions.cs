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
    /// ErrorInfo; other HTTP requests get the same status as JSON under HTTP 401/403, or a plain 404 on a path where
    /// nothing is mapped.
    /// </summary>
    public static IServiceCollection AddPmsAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenIssuer>((options, issuer) =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters = issuer.ValidationParameters();
                options.Events = new JwtBearerEvents
                {
                    // A valid signature is not enough: the session must still be alive (not signed out, revoked or past its end).
                    OnTokenValidated = async context =>
                    {
                        var principal = context.Principal!;
                        if (!Guid.TryParse(principal.FindFirst(PmsClaims.SessionId)?.Value, out var sessionId)
                            || !Guid.TryParse(principal.FindFirst(PmsClaims.Subject)?.Value, out var userId))
                        {
                            context.Fail(new SessionEndedException(SessionState.Revoked));
                            return;
                        }
                        var state = await context.HttpContext.RequestServices.GetRequiredService<SessionRegistry>()
                            .CheckAsync(sessionId, userId, context.HttpContext.RequestAborted);
                        if (state != SessionState.Active)
                        {
                            context.Fail(new SessionEndedException(state));
                        }
                    },
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        if (!RestStatus.IsGrpc(context.Request))
                        {
                            if (context.HttpContext.GetEndpoint() is null)
                            {
                                // Nothing is mapped here (a browser, a scanner, a probe on a wrong path): a plain 404,
                                // not a challenge suggesting that something exists behind a token.
                                context.Response.StatusCode = StatusCodes.Status404NotFound;
                                return;
                            }
                            // A REST call gets its 401 with the JSON status below, and the challenge HTTP asks for.
                            context.Response.Headers.WWWAuthenticate = JwtBearerDefaults.AuthenticationScheme;
                        }
                        var (reason, message) = context.AuthenticateFailure switch
                        {
                            SecurityTokenExpiredException => ("TOKEN_EXPIRED", "The access token has expired; refresh the session or sign in again."),
                            SessionEndedException { State: SessionState.Expired } =>
                                ("SESSION_EXPIRED", "The session reached its absolute lifetime; sign in again."),
                            SessionEndedException =>
                                ("SESSION_REVOKED", "This session was ended (sign-out, password change or reset, or deactivation); sign in again."),
                            not null => ("INVALID_TOKEN", "The access token is not valid (bad signature, issuer or format); sign in again."),
                            null when string.IsNullOrEmpty(context.Request.Headers.Authorization) =>
                                ("AUTHENTICATION_REQUIRED", "Sign in first: send 'authorization: Bearer <access token>'."),
                            null => ("INVALID_TOKEN", "The authorization header must be 'Bearer <access token>'."),
                        };
                        await WriteGrpcErrorAsync(context.HttpContext, StatusCode.Unauthenticated, reason, message);
                    },
                    OnForbidden = context =>
                    {
                        var roles = string.Join(", ", context.Principal?.FindAll(PmsClaims.Role).Select(c => c.Value) ?? []);
                        return WriteGrpcErrorAsync(context.HttpContext, StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED",
                            $"Your role ({(roles.Length == 0 ? "none" : roles)}) may not call {context.Request.Path.Value?.TrimStart('/')}.");
                    },
                };
            });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder()
                .RequireAssertion(_ => false)
                .Build());
        return services;
    }

    private static Task WriteGrpcErrorAsync(HttpContext http, StatusCode code, string reason, string message) =>
        GrpcErrorResponse.WriteAsync(http, new PmsException(code, reason, message));
}

/// <summary>The access token is genuine but its session is over.</summary>
public sealed class SessionEndedException(SessionState state) : Exception($"The session is {state.ToString().ToLowerInvariant()}.")
{
    public SessionState State { get; } = state;
}
