using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Pms.Grpc.Infrastructure;

namespace Pms.Grpc.Identity;

/// <summary>
/// The JWT bearer handler's token handler, remembering the access tokens it validated. Clients send the same token on
/// every call until it expires; without this, each call parsed the token's JSON, checked its HMAC and built its claims
/// again: half of a cached VerifyCertificateTrust's server time in the profile (docs/benchmarks.md#profile).
/// <para>
/// Only what the token itself proves is remembered (signature, issuer, audience, lifetime), keyed by the exact token
/// text, and only until the token's <c>exp</c> by PMS's clock; whether its session is still alive is asked on every call
/// (<c>OnTokenValidated</c> → <see cref="SessionRegistry"/>), so sign-out and revocation take effect as before. Every
/// call gets its own copy of the claims. Bounded: the least recently used tokens go first.
/// </para>
/// </summary>
public sealed class ValidatedTokenCache(TimeProvider time) : JsonWebTokenHandler
{
    public const int Capacity = 4_096;

    private readonly BoundedLruCache<string, (TokenValidationResult Result, DateTime ExpiresUtc)> _validated = new(Capacity);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_validated.TryGet(token, out var entry))
        {
            if (time.GetUtcNow().UtcDateTime < entry.ExpiresUtc)
            {
                return CopyOf(entry.Result);
            }

            _validated.Remove(token);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken { ValidTo: var expires } && expires > time.GetUtcNow().UtcDateTime)
        {
            _validated.Set(token, (result, expires));
            return CopyOf(result);
        }

        return result;
    }

    // What JwtBearerHandler reads from a successful result; the identity is cloned so no call sees another's changes.
    private static TokenValidationResult CopyOf(TokenValidationResult validated) => new()
    {
        IsValid = true,
        ClaimsIdentity = validated.ClaimsIdentity.Clone(),
        SecurityToken = validated.SecurityToken,
        Issuer = validated.Issuer,
        TokenType = validated.TokenType,
    };
}
