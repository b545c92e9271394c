namespace Pms.Web.Client.Resources;

/// <summary>
/// The portal's one resource class: <c>IStringLocalizer&lt;Strings&gt;</c> reads <c>Strings.resx</c> (English) and its
/// translations (<c>Strings.fr.resx</c>, <c>Strings.ar.resx</c>, ...). Keys are named <c>Area_Meaning</c>; see
/// docs/portal.md, "Languages".
/// </summary>
public sealed class Strings
{
    private Strings()
    {
    }
}
