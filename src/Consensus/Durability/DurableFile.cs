namespace Chain.Consensus.Durability;

/// <summary>
/// Small files that must survive a crash whole (the signer state, the peer ban list): written to a temporary file
/// that is fsynced, renamed over the old one, and then the directory is fsynced so the rename itself is on disk.
/// A crash leaves the old content or the new one, never a torn file or a rename that is lost on power failure.
/// </summary>
public static class DurableFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/> atomically and durably.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>
    /// Flushes <paramref name="directory"/>'s entries (renames, new files) to disk. On Linux and macOS the directory is
    /// opened read-only and fsynced through libc (<see cref="LibcNative"/>); .NET opens no handle on a directory
    /// there. Windows has no directory fsync (NTFS journals the rename), so it is a no-op there. Throws
    /// <see cref="IOException"/> naming the directory when the open or the fsync fails.
    /// </summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int fd = LibcNative.Open(directory, LibcNative.OpenFlagsDirectoryReadOnly);
        if (fd < 0)
        {
            throw new IOException($"cannot open directory {directory} to sync it: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }

        try
        {
            if (LibcNative.Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            _ = LibcNative.Close(fd);
        }
    }
}
