namespace Pms.Web.Client.Shared;

/// <summary>A file the user picked or dropped, already read (certificates are small: at most 1 MiB).</summary>
public sealed record SelectedFile(string Name, long Size, byte[] Content);
