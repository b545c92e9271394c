namespace Pms.Web.Client.Shared;

/// <summary>
/// AIP-158 paging as a user moves through it: the page tokens of the pages seen so far, so "Previous" needs no
/// token from the server. Reset it whenever a filter or the order changes (tokens only hold for their query).
/// </summary>
public sealed class PageCursor
{
    private readonly List<string> _tokens = [""];

    public int Index { get; private set; }

    /// <summary>The page_token to send for the current page.</summary>
    public string Token => _tokens[Index];

    /// <summary>The next_page_token the current page came with; empty on the last page.</summary>
    public string NextToken { get; set; } = "";

    public bool HasPrevious => Index > 0;

    public bool HasNext => NextToken.Length > 0;

    public void Reset()
    {
        _tokens.RemoveRange(1, _tokens.Count - 1);
        Index = 0;
        NextToken = "";
    }

    public void MoveNext()
    {
        if (!HasNext)
        {
            return;
        }

        _tokens.RemoveRange(Index + 1, _tokens.Count - Index - 1);
        _tokens.Add(NextToken);
        Index++;
    }

    public void MovePrevious()
    {
        if (HasPrevious)
        {
            Index--;
        }
    }
}
