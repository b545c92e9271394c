using System.Net.Mail;
using Pms.Grpc.Errors;

namespace Pms.Grpc.Partners;

/// <summary>The field rules of the partner API; each check adds a violation naming the request's field.</summary>
public static class PartnerRules
{
    public const int MaxNameLength = 64;
    public const int MaxOrganizationLength = 128;
    public const int MaxAddressLength = 2000;
    public const int MinUsernameLength = 3;
    public const int MaxUsernameLength = 36;
    public const int MinPasswordLength = 8;
    // Sign-in refuses longer passwords before hashing, so a longer one could never be used.
    public const int MaxPasswordLength = 256;
    public const int MaxCommentLength = 500;
    private const int MaxEmailLength = 254;

    public static void CheckText(List<FieldViolation> violations, string field, string value, int maxLength, bool multiLine = false)
    {
        if (value.Length == 0)
        {
            violations.Add(new(field, $"{field} is required."));
        }
        else if (value.Length > maxLength)
        {
            violations.Add(new(field, $"{field} must be at most {maxLength} characters (it has {value.Length})."));
        }
        else if (value.Any(c => char.IsControl(c) && !(multiLine && c is '\n' or '\r' or '\t')))
        {
            violations.Add(new(field, $"{field} must not contain control characters."));
        }
    }

    public static void CheckPhoneNumber(List<FieldViolation> violations, string field, string value)
    {
        var digits = value.Length - 1;
        if (value.Length == 0 || value[0] != '+' || digits is < 7 or > 16 || !value.Skip(1).All(char.IsAsciiDigit))
        {
            violations.Add(new(field, $"{field} must be '+' followed by 7 to 16 digits, e.g. +919876543210."));
        }
    }

    public static void CheckEmail(List<FieldViolation> violations, string field, string value)
    {
        if (!IsEmail(value))
        {
            violations.Add(new(field, $"{field} must be an email address such as name@example.org."));
        }
    }

    public static void CheckUsername(List<FieldViolation> violations, string field, string value)
    {
        if (value.Length is < MinUsernameLength or > MaxUsernameLength
            || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            violations.Add(new(field,
                $"{field} must be {MinUsernameLength} to {MaxUsernameLength} characters of letters, digits, '.', '_' and '-'."));
        }
    }

    /// <summary>At least 8 characters with a letter and a digit, and not the username (compared case-insensitively).</summary>
    public static void CheckPassword(List<FieldViolation> violations, string field, string password, string? username)
    {
        string? problem = null;
        if (password.Length < MinPasswordLength)
        {
            problem = $"{field} must be at least {MinPasswordLength} characters.";
        }
        else if (password.Length > MaxPasswordLength)
        {
            problem = $"{field} must be at most {MaxPasswordLength} characters.";
        }
        else if (!password.Any(char.IsLetter) || !password.Any(char.IsDigit))
        {
            problem = $"{field} must contain at least one letter and one digit.";
        }
        else if (!string.IsNullOrEmpty(username) && string.Equals(password, username.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            problem = $"{field} must not be the username.";
        }
        if (problem is not null)
        {
            violations.Add(new(field, problem));
        }
    }

    public static void CheckComment(List<FieldViolation> violations, string value, string field = "comment")
    {
        if (value.Length > MaxCommentLength)
        {
            violations.Add(new(field, $"{field} must be at most {MaxCommentLength} characters."));
        }
    }

    /// <summary>
    /// A plain address (no display name, no comments) with a local part of at most 64 characters and a domain
    /// name of dot-separated labels ending in a top-level name: what a mail server will actually deliver to.
    /// </summary>
    public static bool IsEmail(string value)
    {
        if (value.Length is 0 or > MaxEmailLength || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            || !MailAddress.TryCreate(value, out var address) || address.Address != value || address.DisplayName.Length > 0)
        {
            return false;
        }
        var at = value.LastIndexOf('@');
        var local = value[..at];
        var labels = value[(at + 1)..].Split('.');
        return local.Length is > 0 and <= 64
            && !local.StartsWith('"')
            && labels.Length >= 2
            && labels.All(l => l.Length is > 0 and <= 63 && !l.StartsWith('-') && !l.EndsWith('-')
                && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            && labels[^1].All(char.IsAsciiLetter) && labels[^1].Length >= 2;
    }
}
