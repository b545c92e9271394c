namespace Pms.Web.Client.Routing;

/// <summary>Marks a page a partner may open before accepting the terms and conditions (the terms page itself);
/// every other signed-in page first sends such a partner to the terms, as the server refuses their calls anyway.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class ConsentNotRequiredAttribute : Attribute;
