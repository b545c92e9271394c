using System.Globalization;
using Microsoft.Extensions.Localization;
using Pms.Web.Client.Resources;
using Pms.Web.Client.Rpc;

namespace Pms.Web.Client.Localization;

/// <summary>How a refusal is told in the user's language.</summary>
public static class LocalizerExtensions
{
    /// <summary>The resource key of a server refusal's <c>ErrorInfo.reason</c>.</summary>
    public static string ReasonKey(string reason) => "Reason_" + reason;

    /// <summary>
    /// The message of a problem in the current language: the portal's own text where it replaces the server's; else the
    /// translation of the server's reason code (<c>Reason_&lt;CODE&gt;</c>); else the server's own (English) message,
    /// so a reason the portal does not know yet is still explained.
    /// </summary>
    public static string Problem(this IStringLocalizer<Strings> localizer, RpcProblem problem)
    {
        if (problem.OwnText is { } own)
        {
            return localizer.Text(own);
        }

        if (ReasonText(localizer, problem.Reason) is { } translated)
        {
            return translated;
        }

        return problem.FallbackText is { } fallback ? localizer.Text(fallback) : problem.Message;
    }

    /// <summary>A refusal reported inside an answer (one entry of a CA bundle): the reason's translation, else the
    /// server's message.</summary>
    public static string Refusal(this IStringLocalizer<Strings> localizer, string? reason, string serverMessage) =>
        ReasonText(localizer, reason) ?? serverMessage;

    /// <summary>
    /// The message beside one field: the problem's own message translated where the page put it there
    /// (<see cref="RpcProblem.WithFieldError"/>); the translation of the reason when the server refused this one field
    /// for a named reason (its text is then the reason's); else the server's or the page's text for that field.
    /// </summary>
    public static string? ProblemFor(this IStringLocalizer<Strings> localizer, RpcProblem? problem, string field)
    {
        if (problem?.For(field) is not { } message)
        {
            return null;
        }

        if (problem.FieldsShowingMessage.Contains(field))
        {
            return localizer.Problem(problem);
        }

        if (problem.FieldErrors.Count == 1 && problem.Reason != GenericValidationReason && ReasonText(localizer, problem.Reason) is { } translated)
        {
            return translated;
        }

        return message;
    }

    /// <summary>A role as people read it (<c>PARTNER_ADMIN</c>: "Partner admin"); a role the portal does not know, as
    /// the server names it.</summary>
    public static string Role(this IStringLocalizer<Strings> localizer, string role) => Optional(localizer, "Role_" + role) ?? role;

    /// <summary>An audit event's action as people read it (<c>FTM_CHIP_APPROVED</c>: "FTM chip approved"); one the
    /// portal does not know, in the server's words made readable.</summary>
    public static string AuditAction(this IStringLocalizer<Strings> localizer, string action) =>
        Optional(localizer, "Audit_" + action) ?? action.Replace('_', ' ').ToLowerInvariant();

    private static string? Optional(IStringLocalizer<Strings> localizer, string key)
    {
        var found = localizer[key];
        return found.ResourceNotFound ? null : found.Value;
    }

    /// <summary>
    /// The translation of a server reason, or null. The server writes English, and its text may name specifics (the
    /// seconds to wait, the chip's make and model), so in English its own text is shown and the resource is not read.
    /// </summary>
    private static string? ReasonText(IStringLocalizer<Strings> localizer, string? reason)
    {
        if (string.IsNullOrEmpty(reason) || PortalCultures.Find(CultureInfo.CurrentUICulture.Name) == PortalCultures.Supported[0])
        {
            return null;
        }

        return Optional(localizer, ReasonKey(reason));
    }

    /// <summary>The contract's reason for "these fields are invalid": it says nothing about the one field.</summary>
    private const string GenericValidationReason = "VALIDATION_FAILED";

    /// <summary>One of the portal's own texts, in the current language (English if the key were missing).</summary>
    public static string Text(this IStringLocalizer<Strings> localizer, PortalText text)
    {
        var found = localizer[text.Key, text.Arguments];
        return found.ResourceNotFound ? text.English : found.Value;
    }
}
