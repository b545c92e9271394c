namespace Pms.Web.Client.Routing;

/// <summary>Marks a page anyone may open. Every other page needs a signed-in user, so none is open by accident.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class PublicPageAttribute : Attribute;
