using Microsoft.JSInterop;

namespace Pms.Web.Client.Shared;

/// <summary>Hands text the portal already holds (a PEM from a call) to the browser as a file to save.</summary>
public sealed class Downloads(IJSRuntime js)
{
    public ValueTask SaveAsync(string fileName, string content, string mimeType = "application/x-pem-file") =>
        js.InvokeVoidAsync("pmsPortal.saveFile", fileName, content, mimeType);
}
