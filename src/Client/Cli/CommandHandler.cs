using Chain.Client.Keys;

namespace Chain.Client.Cli;

/// <summary>Runs a command body and turns user errors into one line on stderr and exit code 1.</summary>
public sealed class CommandHandler
{
    private readonly CliEnvironment _environment;
    private readonly Func<Exception, bool> _isOtherUserError;

    /// <param name="environment">Where the error line goes.</param>
    /// <param name="isOtherUserError">
    /// User errors besides <see cref="CliException"/> and <see cref="KeyringException"/>, such as the node's bad
    /// config or genesis; none when null.
    /// </param>
    public CommandHandler(CliEnvironment environment, Func<Exception, bool>? isOtherUserError = null)
    {
        _environment = environment;
        _isOtherUserError = isOtherUserError ?? (_ => false);
    }

    public Func<System.CommandLine.ParseResult, CancellationToken, Task<int>> Wrap(
        Func<System.CommandLine.ParseResult, CancellationToken, Task<int>> body) =>
        async (parseResult, ct) =>
        {
            try
            {
                return await body(parseResult, ct);
            }
            catch (Exception e) when (e is CliException or KeyringException || _isOtherUserError(e))
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
