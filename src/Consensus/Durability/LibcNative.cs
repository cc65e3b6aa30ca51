using System.Runtime.InteropServices;

namespace Chain.Consensus.Durability;

/// <summary>
/// libc's open, fsync and close, for <see cref="DurableFile.SyncDirectory"/>. Written by hand: .NET cannot open a
/// handle on a directory on Unix (File.OpenHandle and FileStream refuse directories), Mono.Posix is not available in
/// the package registry, and no other package there wraps these three calls.
/// </summary>
internal static partial class LibcNative
{
    private const string Library = "libc";

    /// <summary>
    /// O_RDONLY (0) | O_DIRECTORY, whose value differs: 0x100000 on macOS, 0x4000 on Linux arm64 and arm, 0x10000 on
    /// Linux x86-64 and the rest. O_DIRECTORY only makes the open fail when the path is not a directory.
    /// </summary>
    internal static readonly int OpenFlagsDirectoryReadOnly =
        OperatingSystem.IsMacOS() ? 0x100000
        : RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000
        : 0x10000;

    [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "fsync", SetLastError = true)]
    internal static partial int Fsync(int fd);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}
