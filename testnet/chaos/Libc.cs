using System.Runtime.InteropServices;

namespace Chain.Chaos;

/// <summary>
/// libc's kill (SIGSTOP, SIGCONT) and setns, written by hand: .NET's Process can only send SIGKILL and SIGTERM, has no
/// way into a network namespace, and no package in the registry wraps either call.
/// </summary>
internal static partial class Libc
{
    private const string Library = "libc";

    public const int SigCont = 18;
    public const int SigStop = 19;
    public const int SigTerm = 15;

    /// <summary>CLONE_NEWNET: setns joins the network namespace of the file descriptor.</summary>
    public const int CloneNewNet = 0x40000000;

    [LibraryImport(Library, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport(Library, EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int nsType);

    public static void Signal(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new ChaosException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }
}

/// <summary>A run could not be set up or driven (not a safety or liveness violation: those are reported).</summary>
public sealed class ChaosException(string message) : Exception(message);
