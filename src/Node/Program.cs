using Chain.Client.Cli;
using Chain.Node.Cli;

namespace Chain.Node;

public static class Program
{
    public static Task<int> Main(string[] args) => new ChaindCli(CliEnvironment.FromProcess()).InvokeAsync(args);
}
