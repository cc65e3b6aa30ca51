using System.CommandLine;

namespace Chain.Client.Cli;

/// <summary>Options many commands share: each call makes a new instance for one command.</summary>
public static class CommonOptions
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
}
