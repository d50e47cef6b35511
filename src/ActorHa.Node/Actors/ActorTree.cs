using System.Text;
using Akka.Actor;

namespace ActorHa.Node.Actors;

/// <summary>
/// "Inspect the actor tree through logs": every ActorHa actor answers <see cref="DescribeTree"/> with its own
/// state line and its children's answers, without blocking its mailbox (the children are asked asynchronously
/// and the composed answer is piped back).
/// </summary>
internal static class ActorTree
{
    /// <summary>Ask an actor for its subtree.</summary>
    public sealed record DescribeTree
    {
        public static readonly DescribeTree Instance = new();

        private DescribeTree()
        {
        }
    }

    /// <summary>One actor of the tree: its name, a one-line state, and its children.</summary>
    public sealed record TreeNode(string Name, string State, IReadOnlyList<TreeNode> Children);

    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Replies to the current sender with this actor's node; children that don't answer in time say so.</summary>
    public static void Reply(IActorContext context, string state)
    {
        var sender = context.Sender;
        var name = context.Self.Path.Name;
        var children = context.GetChildren().ToList();
        if (children.Count == 0)
        {
            sender.Tell(new TreeNode(name, state, []));
            return;
        }

        var asks = children.Select(async child =>
        {
            try
            {
                return await child.Ask<TreeNode>(DescribeTree.Instance, ChildTimeout).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                return new TreeNode(child.Path.Name, "(no answer: busy or stopping)", []);
            }
        });
        Task.WhenAll(asks)
            .ContinueWith(t => new TreeNode(name, state, t.Result.OrderBy(n => n.Name, StringComparer.Ordinal).ToList()), TaskScheduler.Default)
            .PipeTo(sender);
    }

    /// <summary>Renders a tree as indented lines, one actor per line: <c>  vrrp/VI_1  MASTER prio 150</c>.</summary>
    public static IReadOnlyList<string> Render(TreeNode root)
    {
        var lines = new List<string>();
        Walk(root, "", lines);
        return lines;

        static void Walk(TreeNode node, string indent, List<string> lines)
        {
            var sb = new StringBuilder(indent).Append('/').Append(node.Name);
            if (node.State.Length > 0)
            {
                sb.Append("  ").Append(node.State);
            }

            lines.Add(sb.ToString());
            foreach (var child in node.Children)
            {
                Walk(child, indent + "  ", lines);
            }
        }
    }
}
