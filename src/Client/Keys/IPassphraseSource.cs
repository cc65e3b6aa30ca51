namespace Chain.Client.Keys;

/// <summary>Where a keyring gets passphrases: a prompt, a file a script names, or a fixed value in tests.</summary>
public interface IPassphraseSource
{
    /// <summary>
    /// The passphrase for <paramref name="purpose"/> (e.g. "key 'alice'", "the armored key"); <paramref name="isNew"/>
    /// when it will protect something new (a prompt then asks twice). Throws <see cref="KeyringException"/> when none
    /// can be had.
    /// </summary>
    string Get(string purpose, bool isNew);
}

/// <summary>One passphrase for every request: read from a file or given by a test.</summary>
public sealed class FixedPassphrase : IPassphraseSource
{
    /// <summary>Most bytes read from a passphrase file: a passphrase is a line, not a document.</summary>
    public const int MaxFileBytes = 4096;

    private readonly string _passphrase;

    public FixedPassphrase(string passphrase)
    {
        _passphrase = passphrase;
    }

    public string Get(string purpose, bool isNew) => _passphrase;

    /// <summary>The first line of <paramref name="path"/> (at most <see cref="MaxFileBytes"/> bytes; trailing CR/LF dropped).</summary>
    public static FixedPassphrase FromFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new KeyringException($"passphrase file {path} not found");
            }

            if (info.Length > MaxFileBytes)
            {
                throw new KeyringException($"passphrase file {path} is {info.Length} bytes; a passphrase file holds one line of at most {MaxFileBytes} bytes");
            }

            var text = File.ReadAllText(path);
            var end = text.IndexOfAny(['\r', '\n']);
            var line = end < 0 ? text : text[..end];
            if (line.Length == 0)
            {
                throw new KeyringException($"passphrase file {path}: the first line is empty");
            }

            return new FixedPassphrase(line);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeyringException($"passphrase file {path}: cannot read it: {e.Message}", e);
        }
    }
}
