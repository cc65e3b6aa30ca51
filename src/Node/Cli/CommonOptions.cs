using System.CommandLine;
using Chain.Node.Config;

namespace Chain.Node.Cli;

/// <summary>Options many commands share: each call makes a new instance for one command.</summary>
internal static class CommonOptions
{
    public static Option<OutputFormat> Output() => new("--output", "-o")
    {
        Description = "Print results as text or json",
        DefaultValueFactory = _ => OutputFormat.Text,
    };

    public static Option<string?> Node() => new("--node")
    {
        Description = "gRPC address (host:port) of the node to talk to; default: grpc.address from the home's config, else 127.0.0.1:9090",
    };

    public static Option<string> Home(Func<string, string?> getEnvironmentVariable) => new("--home")
    {
        Description = "Node home directory (default: $CHAIND_HOME or ~/.chaind)",
        Recursive = true,
        DefaultValueFactory = _ => NodeHome.DefaultRoot(getEnvironmentVariable),
    };

}
