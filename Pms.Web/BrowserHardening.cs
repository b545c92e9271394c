using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Net.Http.Headers;

namespace Pms.Web;

/// <summary>
/// What the portal tells the browser to refuse: framing (clickjacking an admin into Approve), script from anywhere
/// but this origin, MIME sniffing, leaking URLs (reset links carry a token) in the Referer, and powerful browser
/// features the portal never uses. In Production also HSTS and a redirect to HTTPS.
/// </summary>
public static partial class BrowserHardening
{
    /// <summary>
    /// The Content-Security-Policy. Blazor WebAssembly needs <c>'wasm-unsafe-eval'</c> to compile the .NET runtime
    /// (not <c>'unsafe-eval'</c>); the page's one inline script, the import map the build writes into index.html,
    /// is allowed by its hash, added per response.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{0}; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public const string PermissionsPolicy =
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=()";

    public static WebApplication UseBrowserHardening(this WebApplication app)
    {
        if (app.Environment.IsProduction())
        {
            // HSTS is only ever sent over HTTPS; the redirect applies once an HTTPS endpoint is configured.
            app.UseHsts();
            app.UseHttpsRedirection();
        }
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Permissions-Policy"] = PermissionsPolicy;
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            if (!IsPageRequest(context.Request))
            {
                headers.ContentSecurityPolicy = string.Format(System.Globalization.CultureInfo.InvariantCulture, ContentSecurityPolicy, "");
                await next(context);
                return;
            }
            await ServePageWithHashesAsync(context, next);
        });
        return app;
    }

    // A page load (index.html under any client-side route) rather than an asset, a gRPC-Web call or the forwarded REST
    // API: a REST response, above all the watch's endless event stream, must never be held in the page buffer.
    private static bool IsPageRequest(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && !request.Path.StartsWithSegments("/v1")
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    // The page is small: buffer it, hash its inline scripts, and name those hashes in its policy.
    private static async Task ServePageWithHashesAsync(HttpContext context, RequestDelegate next)
    {
        // Uncompressed, so the inline scripts can be read; and whole, never a 304: a browser applies the policy of a
        // 304 to the page it cached, and a 304 has no body to hash.
        context.Request.Headers.Remove(HeaderNames.AcceptEncoding);
        context.Request.Headers.Remove(HeaderNames.IfNoneMatch);
        context.Request.Headers.Remove(HeaderNames.IfModifiedSince);
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        var hashes = "";
        if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            var html = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            hashes = string.Concat(InlineScript().Matches(html).Select(m =>
                $" 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups["body"].Value)))}'"));
        }
        context.Response.Headers.ContentSecurityPolicy = string.Format(System.Globalization.CultureInfo.InvariantCulture, ContentSecurityPolicy, hashes);
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc\s*=)[^>]*>(?<body>.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
