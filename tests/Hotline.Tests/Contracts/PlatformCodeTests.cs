using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Contracts;

/// <summary>
/// What the official libraries and the platform do is not written again by hand: Twilio's signature
/// check, TwiML and REST calls come from the Twilio package, and the Functions host reads functions.metadata,
/// not function.json files or a custom handler's settings. A grep over the source tree, run with the tests.
/// </summary>
public sealed class PlatformCodeTests
{
    private static readonly string Src = Path.Combine(RepoPaths.Root, "src");

    public static TheoryData<string, string> HandWrittenPatterns => new()
    {
        { "HMACSHA1", "Twilio's HMAC-SHA1 signature is checked by Twilio.Security.RequestValidator" },
        { "\"<Response", "TwiML is written by Twilio.TwiML.MessagingResponse" },
        { "XElement(\"Response\"", "TwiML is written by Twilio.TwiML.MessagingResponse" },
        { "XElement(\"Message\"", "TwiML is written by Twilio.TwiML.MessagingResponse" },
        { "/Messages.json", "Twilio's REST API is called through Twilio.Rest.Api.V2010.Account.MessageResource" },
        { "2010-04-01", "Twilio's REST API is called through Twilio.Rest.Api.V2010.Account.MessageResource" },
        { "FUNCTIONS_CUSTOMHANDLER_PORT", "the custom handler is gone: the app is an isolated worker" },
    };

    /// <summary>
    /// Where a pattern stands for a reason the library cannot serve: the media client checks that a URL it is given
    /// is exactly a media item's (<c>/2010-04-01/Accounts/.../Media/ME...</c>) before it sends the credentials
    /// there; it builds no REST call (Twilio's library has none for a media item's bytes).
    /// </summary>
    private static readonly HashSet<(string Pattern, string File)> Allowed =
    [
        ("2010-04-01", Path.Combine("src", "Hotline.Core", "Twilio", "TwilioMediaClient.cs")),
    ];

    [Theory]
    [MemberData(nameof(HandWrittenPatterns))]
    public void SourceTree_TwilioAndFunctionsProtocols_AreLeftToTheOfficialLibraries(string pattern, string because)
    {
        var offenders = Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains(pattern, StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f))
            .Where(f => !Allowed.Contains((pattern, f)))
            .ToList();

        Assert.True(offenders.Count == 0, $"'{pattern}' in {string.Join(", ", offenders)}: {because}.");
    }

    [Fact]
    public void SourceTree_CustomHandlerFiles_AreGone()
    {
        Assert.DoesNotContain(Directory.EnumerateFiles(Src, "function.json", SearchOption.AllDirectories), f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        Assert.DoesNotContain("customHandler", File.ReadAllText(Path.Combine(Src, "Hotline.Functions", "host.json")), StringComparison.Ordinal);
    }
}
