using Chain.Node.Cli;

namespace Chain.Node.Tests.Cli;

/// <summary>Runs the chaind command tree in-process and captures what it printed.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static async Task<CliRun> Invoke(
        string home,
        IEnumerable<string> args,
        string input = "",
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var env = environment ?? new Dictionary<string, string>();
        var cli = new ChaindCli(new CliEnvironment(new StringReader(input), output, error, env.GetValueOrDefault, TimeProvider.System));
        var code = await cli.InvokeAsync(["--home", home, .. args]);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
