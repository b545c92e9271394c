using System.ComponentModel.DataAnnotations;

namespace Pms.Grpc.Configuration;

public sealed class BootstrapAdminOptions
{
    [Required] public string Username { get; set; } = "admin";
    /// <summary>Required outside Development; in Development a generated one is logged once.</summary>
    public string? Password { get; set; }
}
