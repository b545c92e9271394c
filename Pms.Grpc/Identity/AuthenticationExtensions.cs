using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
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
    /// Refusals are answered as gRPC statuses (UNAUTHENTICATED, PERMISSION_DENIED) with an ErrorInfo, not bare HTTP 401/403.
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
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        var (reason, message) = context.AuthenticateFailure switch
                        {
                            SecurityTokenExpiredException => ("TOKEN_EXPIRED", "The access token has expired; refresh the session or sign in again."),
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

    // A trailers-only gRPC response: HTTP 200 with grpc-status in the headers, understood by gRPC and gRPC-Web clients.
    private static Task WriteGrpcErrorAsync(HttpContext http, StatusCode code, string reason, string message)
    {
        if (http.Response.HasStarted)
        {
            return Task.CompletedTask;
        }
        var status = new Google.Rpc.Status
        {
            Code = (int)code,
            Message = message,
            Details = { Any.Pack(new ErrorInfo { Reason = reason, Domain = ExceptionMappingInterceptor.ErrorDomain }) },
        };
        var requestType = http.Request.ContentType ?? "";
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = requestType.StartsWith("application/grpc", StringComparison.Ordinal)
            ? requestType.Split(';')[0]
            : "application/grpc";
        http.Response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["grpc-message"] = PercentEncode(message);
        http.Response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray()).TrimEnd('=');
        return Task.CompletedTask;
    }

    // grpc-message is percent-encoded UTF-8 (gRPC over HTTP/2 spec).
    private static string PercentEncode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
    }
}
