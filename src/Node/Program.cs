using Chain.Client.Cli;
using Chain.Node.Cli;
using Chain.Node.Hosting;

namespace Chain.Node;

public static class Program
{
    public static Task<int> Main(string[] args)
    {
        MallocArenas.ApplyAtStart(); // before the node's threads allocate (MallocArenas)
        return new ChaindCli(CliEnvironment.FromProcess()).InvokeAsync(args);
    }
}
