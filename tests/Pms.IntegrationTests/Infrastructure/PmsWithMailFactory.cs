using Pms.Testing;

namespace Pms.IntegrationTests.Infrastructure;

/// <summary>A <see cref="PmsFactory"/> whose mail goes to a <see cref="TestMailServer"/> of its own.</summary>
public class PmsWithMailFactory : PmsFactory
{
    private TestMailServer? _mail;

    public TestMailServer Mail => _mail ?? throw new InvalidOperationException("Not initialised.");

    protected override async Task BeforeStartAsync() => _mail = await TestMailServer.StartAsync();

    protected override string MailConnectionString => Mail.ConnectionString;

    protected override async Task AfterStopAsync()
    {
        if (_mail is not null)
        {
            await _mail.DisposeAsync();
        }
    }
}
