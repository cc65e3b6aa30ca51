using System.Text;

namespace Chain.Client.Keys;

/// <summary>Writes files only their owner may read (0600) in directories only their owner may enter (0700).</summary>
internal static class SecretFile
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, DirectoryMode);
        File.SetUnixFileMode(path, DirectoryMode);
    }

    /// <summary>Writes <paramref name="text"/> with mode 0600 from the first byte; <paramref name="overwrite"/> false fails on an existing file.</summary>
    public static void Write(string path, string text, bool overwrite)
    {
        var options = new FileStreamOptions
        {
            Mode = overwrite ? System.IO.FileMode.Create : System.IO.FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        using (var stream = new FileStream(path, options))
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            // An existing file keeps its old mode when overwritten.
            File.SetUnixFileMode(path, FileMode);
        }
    }
}
