using System.Text;
using Chain.Client.Keys;

namespace Chain.Client.Cli;

/// <summary>
/// Asks for a passphrase: on a terminal without echo (twice for a new one), otherwise one line of standard input
/// per request, so scripts can pipe it (Cosmos SDK keyrings do the same).
/// </summary>
public sealed class PromptPassphrase : IPassphraseSource
{
    /// <summary>Least length of a new passphrase, as the Cosmos SDK asks.</summary>
    public const int MinNewLength = 8;

    private readonly CliEnvironment _environment;

    public PromptPassphrase(CliEnvironment environment)
    {
        _environment = environment;
    }

    /// <summary>True when standard input is the console itself (not a pipe, a file or a test's reader).</summary>
    public bool IsTerminal => ReferenceEquals(_environment.Input, Console.In) && !Console.IsInputRedirected;

    public string Get(string purpose, bool isNew)
    {
        var first = Read($"Passphrase for {purpose}: ");
        if (isNew)
        {
            if (first.Length < MinNewLength)
            {
                throw new KeyringException($"a new passphrase is at least {MinNewLength} characters");
            }

            if (IsTerminal && Read($"Repeat the passphrase for {purpose}: ") != first)
            {
                throw new KeyringException("the passphrases do not match");
            }
        }

        return first;
    }

    private string Read(string prompt)
    {
        if (!IsTerminal)
        {
            var line = _environment.Input.ReadLine();
            if (string.IsNullOrEmpty(line))
            {
                throw new KeyringException("no passphrase on standard input (give --passphrase-file, or type it on a terminal)");
            }

            if (line.Length > PassphraseBox.MaxPassphraseLength)
            {
                throw new KeyringException($"the passphrase is longer than {PassphraseBox.MaxPassphraseLength} characters");
            }

            return line;
        }

        _environment.Error.Write(prompt);
        _environment.Error.Flush();
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar) && text.Length < PassphraseBox.MaxPassphraseLength)
            {
                text.Append(key.KeyChar);
            }
        }

        _environment.Error.WriteLine();
        if (text.Length == 0)
        {
            throw new KeyringException("the passphrase is empty");
        }

        return text.ToString();
    }
}
