using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Node.Keys;

namespace Chain.Node.Cli;

/// <summary>Runs a command body and turns user errors into one line on stderr and exit code 1.</summary>
internal sealed class CommandHandler
{
    private readonly CliEnvironment _environment;

    public CommandHandler(CliEnvironment environment)
    {
        _environment = environment;
    }

    public Func<System.CommandLine.ParseResult, CancellationToken, Task<int>> Wrap(
        Func<System.CommandLine.ParseResult, CancellationToken, Task<int>> body) =>
        async (parseResult, ct) =>
        {
            try
            {
                return await body(parseResult, ct);
            }
            catch (Exception e) when (e is CliException or ConfigException or GenesisException or KeyringException)
            {
                await _environment.Error.WriteLineAsync("Error: " + e.Message);
                return 1;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await _environment.Error.WriteLineAsync("Error: " + e.Message);
                return 1;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await _environment.Error.WriteLineAsync("Error: cancelled");
                return 130;
            }
        };
}
