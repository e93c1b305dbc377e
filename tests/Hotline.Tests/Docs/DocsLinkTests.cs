using Hotline.Tests.Infrastructure;
using Markdig;
using Markdig.Extensions.AutoIdentifiers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Hotline.Tests.Docs;

/// <summary>
/// The README is the front door and docs/ the manual: every link between them, and to the repository's files,
/// resolves; every anchor names a heading as GitHub renders it (Markdig's GitHub identifiers).
/// </summary>
public sealed class DocsLinkTests
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseAutoIdentifiers(AutoIdentifierOptions.GitHub)
        .UsePipeTables()
        .Build();

    public static TheoryData<string> Pages() => [.. PagePaths().Select(p => Path.GetRelativePath(RepoPaths.Root, p))];

    [Theory]
    [MemberData(nameof(Pages))]
    public void Docs_EveryLink_ResolvesToAFileOrHeading(string page)
    {
        var path = Path.Combine(RepoPaths.Root, page);
        var broken = new List<string>();
        foreach (var url in Links(path))
        {
            if (url.Contains("://", StringComparison.Ordinal) || url.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            var (file, fragment) = url.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0 ? (url[..hash], url[(hash + 1)..]) : (url, null);
            var target = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, Uri.UnescapeDataString(file)));
            if (!IsInRepository(target))
            {
                // The one place outside the repository a page may point at: the shared design next to it.
                if (Path.GetRelativePath(Path.GetDirectoryName(RepoPaths.Root)!, target) != Path.Combine("shared", "DESIGN.md"))
                {
                    broken.Add($"{url} (outside the repository)");
                }

                continue;
            }

            if (!File.Exists(target) && !Directory.Exists(target))
            {
                broken.Add($"{url} (no such file)");
            }
            else if (fragment is not null && (!target.EndsWith(".md", StringComparison.Ordinal) || !HeadingIds(target).Contains(fragment)))
            {
                broken.Add($"{url} (no such heading)");
            }
        }

        Assert.True(broken.Count == 0, $"{page}: broken links:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void Readme_WhereToReadOn_LinksEveryPageOfTheManual()
    {
        var readme = Path.Combine(RepoPaths.Root, "README.md");
        var linked = Links(readme).Select(u => u.Split('#')[0]).Where(u => u.StartsWith("docs/", StringComparison.Ordinal) && u.EndsWith(".md", StringComparison.Ordinal)).ToHashSet();

        Assert.Equal(
            Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md").Select(p => "docs/" + Path.GetFileName(p)).Order(StringComparer.Ordinal),
            linked.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Docs_HeadingIds_AreThoseGitHubRenders()
    {
        // The anchors the test checks against must be GitHub's: lower case, punctuation dropped, spaces to hyphens,
        // letters of every script kept, a repeated heading numbered.
        var ids = Ids("# Hotline\n## SMS intake (Twilio)\n## Security: what an attacker can do\n## Keys\n## Keys\n## Языки\n");

        Assert.Equal(["hotline", "sms-intake-twilio", "security-what-an-attacker-can-do", "keys", "keys-1", "языки"], ids);
    }

    /// <summary>The README and every page of docs/.</summary>
    internal static IEnumerable<string> PagePaths() =>
        [Path.Combine(RepoPaths.Root, "README.md"), .. Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md").Order(StringComparer.Ordinal)];

    private static bool IsInRepository(string fullPath) =>
        !Path.GetRelativePath(RepoPaths.Root, fullPath).StartsWith("..", StringComparison.Ordinal);

    private static List<string> Links(string path) =>
        Markdown.Parse(File.ReadAllText(path), Pipeline).Descendants<LinkInline>().Select(l => l.Url).OfType<string>().ToList();

    private static HashSet<string> HeadingIds(string path) => [.. Ids(File.ReadAllText(path))];

    private static List<string> Ids(string markdown) =>
        [.. Markdown.Parse(markdown, Pipeline).Descendants<HeadingBlock>().Select(h => h.GetAttributes().Id).OfType<string>()];
}
