namespace Pms.Web.Client.Shared;

/// <summary>One page of an AIP-158 list answer, whatever the RPC: its rows, the next page's token and total_size.</summary>
public sealed record ListPage<TItem>(IReadOnlyList<TItem> Items, string NextPageToken, int TotalSize);
