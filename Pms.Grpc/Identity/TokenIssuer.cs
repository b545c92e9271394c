using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Pms.Grpc.Configuration;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Infrastructure;

namespace Pms.Grpc.Identity;

/// <summary>Issues short-lived JWT access tokens (HMAC-SHA256 with PMS's signing key) and opaque refresh tokens.</summary>
public sealed class TokenIssuer(PmsSecrets secrets, IOptions<PmsOptions> options, TimeProvider time)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private JwtOptions Jwt => options.Value.Jwt;

    public SymmetricSecurityKey SigningKey => new(secrets.JwtSigningKey) { KeyId = "pms-hs256" };

    /// <summary>An access token for the session, valid <see cref="JwtOptions.AccessTokenLifetime"/> but never past <paramref name="sessionExpiresAt"/>.</summary>
    public (string Token, DateTimeOffset ExpiresAt) CreateAccessToken(UserAccount user, Guid sessionId, DateTimeOffset sessionExpiresAt)
    {
        var now = time.GetUtcNow();
        var expiresAt = now + Jwt.AccessTokenLifetime;
        if (expiresAt > sessionExpiresAt)
        {
            expiresAt = sessionExpiresAt;
        }
        var claims = new List<Claim>
        {
            new(PmsClaims.Subject, user.Id.ToString()),
            new(PmsClaims.Name, user.Username),
            new(PmsClaims.SessionId, sessionId.ToString()),
            new(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
        };
        claims.AddRange(user.Roles.Select(r => new Claim(PmsClaims.Role, r)));
        if (user.PartnerId is { } partnerId)
        {
            claims.Add(new Claim(PmsClaims.PartnerId, partnerId.ToString()));
        }

        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Jwt.Issuer,
            Audience = Jwt.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
        });
        return (token, expiresAt);
    }

    /// <summary>A random 256-bit token for the client, and the hash PMS stores instead of it.</summary>
    public static (string Token, byte[] Hash) CreateOpaqueToken()
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (token, HashOpaqueToken(token));
    }

    /// <summary>
    /// The refresh token that replaces <paramref name="refreshToken"/>: derived from it with PMS's key, so a second
    /// presentation of the same token within the grace window gets the same successor without it being stored.
    /// Unpredictable without both the replaced token and the key.
    /// </summary>
    public (string Token, byte[] Hash) SuccessorOf(string refreshToken)
    {
        var token = Base64UrlEncoder.Encode(HMACSHA256.HashData(secrets.JwtSigningKey,
            System.Text.Encoding.UTF8.GetBytes("pms-refresh-successor-v1\n" + refreshToken)));
        return (token, HashOpaqueToken(token));
    }

    public static byte[] HashOpaqueToken(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));

    /// <summary>What a valid access token must be: PMS's issuer, audience and key, HS256 only, unexpired.</summary>
    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Jwt.Issuer,
        ValidAudience = Jwt.Audience,
        IssuerSigningKey = SigningKey,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = PmsClaims.Name,
        RoleClaimType = PmsClaims.Role,
        LifetimeValidator = (notBefore, expires, _, parameters) =>
        {
            // Validate against the injected clock, so tests can move time instead of sleeping.
            var now = time.GetUtcNow().UtcDateTime;
            if (expires is null || expires <= now - parameters.ClockSkew)
            {
                throw new SecurityTokenExpiredException("The access token has expired.") { Expires = expires ?? DateTime.MinValue };
            }
            return notBefore is null || notBefore <= now + parameters.ClockSkew;
        },
    };
}
