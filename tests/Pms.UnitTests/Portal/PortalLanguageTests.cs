extern alias webclient;

using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using webclient::Pms.Web.Client.Localization;
using webclient::Pms.Web.Client.Resources;
using webclient::Pms.Web.Client.Rpc;

namespace Pms.UnitTests.Portal;

/// <summary>
/// How the portal picks its language and tells a refusal in it, with the real localizer over the client's compiled
/// resources and satellite assemblies. (This project runs with invariant globalization: cultures carry their names,
/// not their data, which is all the choice and the resource lookup need; text direction is checked in the browser.)
/// </summary>
public sealed class PortalLanguageTests
{
    [Theory]
    [InlineData("fr", new[] { "en-GB" }, "fr")]
    [InlineData(null, new[] { "ar-EG", "en" }, "ar")]
    [InlineData(null, new[] { "de-DE", "fr-CA" }, "fr")]
    [InlineData(null, new[] { "de-DE" }, "en")]
    [InlineData("xx", new string[0], "en")]
    [InlineData("AR", new[] { "fr" }, "ar")]
    public void TheRememberedChoiceWinsThenTheBrowsersLanguagesThenEnglish(string? stored, string[] browser, string expected)
    {
        Assert.Equal(expected, PortalCultures.Choose(stored, browser).Name);
    }

    [Fact]
    public void AServerRefusalIsToldByItsReasonInFrenchAndArabic()
    {
        var problem = RpcProblem.From(Refusal(StatusCode.Unauthenticated, "INVALID_CREDENTIALS", "The username or password is incorrect."));

        Assert.Equal("Le nom d'utilisateur ou le mot de passe est incorrect.", In("fr", l => l.Problem(problem)));
        Assert.Equal("اسم المستخدم أو كلمة المرور غير صحيحة.", In("ar", l => l.Problem(problem)));
        Assert.Equal("The username or password is incorrect.", In("en", l => l.Problem(problem)));
    }

    [Fact]
    public void AReasonThePortalDoesNotKnowShowsTheServersEnglish()
    {
        var problem = RpcProblem.From(Refusal(StatusCode.FailedPrecondition, "A_REASON_FROM_A_NEWER_SERVER", "Something only a newer server says."));

        Assert.Equal("Something only a newer server says.", In("fr", l => l.Problem(problem)));
    }

    [Fact]
    public void InEnglishTheServersOwnTextIsShownEvenForAKnownReason()
    {
        // The server's text may carry specifics the resource cannot (the seconds to wait).
        var problem = RpcProblem.From(Refusal(StatusCode.Unauthenticated, "INVALID_CREDENTIALS", "Server text with specifics."));

        Assert.Equal("Server text with specifics.", In("en", l => l.Problem(problem)));
    }

    [Fact]
    public void ThePortalsOwnTextsAreTranslatedWithTheirNumbers()
    {
        var unreachable = RpcProblem.From(new RpcException(new global::Grpc.Core.Status(StatusCode.Unavailable, "Error starting gRPC call.")));
        Assert.Equal("Le service PMS est injoignable pour le moment. Vérifiez votre connexion et réessayez.", In("fr", l => l.Problem(unreachable)));
        Assert.Equal("The PMS service cannot be reached right now. Check your connection and try again.", unreachable.Message);

        var badRequest = new BadRequest
        {
            FieldViolations =
            {
                new BadRequest.Types.FieldViolation { Field = "make", Description = "make is required." },
                new BadRequest.Types.FieldViolation { Field = "model", Description = "model is required." },
            },
        };
        var twoFields = RpcProblem.From(Refusal(StatusCode.InvalidArgument, "VALIDATION_FAILED", "2 fields are invalid", badRequest));
        Assert.Equal("2 fields need attention: see the messages beside them.", In("en", l => l.Problem(twoFields)));
        Assert.Equal("2 champs sont à corriger : voir les messages à côté.", In("fr", l => l.Problem(twoFields)));
        // The server's field texts have no code to translate by: they stay the server's.
        Assert.Equal("make is required.", In("fr", l => l.ProblemFor(twoFields, "make")));
    }

    [Fact]
    public void ARefusalShownBesideAFieldIsTranslatedThereToo()
    {
        var taken = RpcProblem.From(Refusal(StatusCode.Unauthenticated, "INVALID_CREDENTIALS", "The username or password is incorrect."))
            .WithFieldError("username");

        Assert.Equal("اسم المستخدم أو كلمة المرور غير صحيحة.", In("ar", l => l.ProblemFor(taken, "username")));
        Assert.Null(In("ar", l => l.ProblemFor(taken, "password")));
    }

    private static string? In(string culture, Func<IStringLocalizer<Strings>, string?> read)
    {
        var services = new ServiceCollection().AddLogging().AddLocalization().BuildServiceProvider();
        var localizer = services.GetRequiredService<IStringLocalizer<Strings>>();
        var (ui, current) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
            return read(localizer);
        }
        finally
        {
            CultureInfo.CurrentUICulture = ui;
            CultureInfo.CurrentCulture = current;
        }
    }

    private static RpcException Refusal(StatusCode code, string reason, string message, IMessage? detail = null)
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)code,
            Message = message,
            Details = { Any.Pack(new ErrorInfo { Reason = reason, Domain = RpcProblem.PmsErrorDomain }) },
        };
        if (detail is not null)
        {
            status.Details.Add(Any.Pack(detail));
        }

        return status.ToRpcException();
    }
}
