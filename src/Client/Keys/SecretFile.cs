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

    /// <summary>Throws when group or others may read, write or run <paramref name="path"/>: a private key is 0600.</summary>
    public static void RefuseIfShared(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            RefuseIfShared(path, File.GetUnixFileMode(path), "0600: chmod 600");
        }
    }

    /// <summary>Throws when group or others may enter, list or write the directory <paramref name="path"/>: a keyring directory is 0700.</summary>
    public static void RefuseIfSharedDirectory(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            RefuseIfShared(path, new DirectoryInfo(path).UnixFileMode, "0700: chmod 700");
        }
    }

    private static void RefuseIfShared(string path, UnixFileMode mode, string expected)
    {

        const UnixFileMode shared = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                    | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((mode & shared) != 0)
        {
            var octal = Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
            throw new KeyringException($"{path}: mode {octal} lets group or others at a private key; refusing it (expected {expected} {path})");
        }
    }
}
