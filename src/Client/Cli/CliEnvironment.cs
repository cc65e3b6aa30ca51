namespace Chain.Client.Cli;

/// <summary>What the CLI reads from and writes to, so that tests can run the command tree in-process.</summary>
/// <param name="Input">Standard input (private keys for `keys add --recover`).</param>
/// <param name="Output">Standard output: results.</param>
/// <param name="Error">Standard error: errors and warnings.</param>
/// <param name="GetEnvironmentVariable">CHAIND_HOME and CHAIND_* config overrides.</param>
/// <param name="Time">The clock (genesis time of `init`).</param>
public sealed record CliEnvironment(
    TextReader Input,
    TextWriter Output,
    TextWriter Error,
    Func<string, string?> GetEnvironmentVariable,
    TimeProvider Time)
{
    public static CliEnvironment FromProcess() =>
        new(Console.In, Console.Out, Console.Error, Environment.GetEnvironmentVariable, TimeProvider.System);
}
