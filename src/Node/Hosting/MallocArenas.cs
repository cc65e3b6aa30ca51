using System.Runtime.InteropServices;

namespace Chain.Node.Hosting;

/// <summary>
/// Limits the glibc malloc arenas of the node process to <see cref="Default"/> (<c>mallopt(M_ARENA_MAX)</c>, what the
/// <c>MALLOC_ARENA_MAX</c> environment variable sets). glibc gives threads arenas of their own, up to eight per core, and
/// each keeps memory its threads freed; RocksDB's memtables and block cache, OpenSSL and the runtime allocate there
/// from many threads. Over 10 minutes of testnet load, nodes whose limit came from this call alone peaked at 353 MB,
/// ~60 MB above nodes started with the environment variable (docs/benchmarks.md, "Memory").
/// The call limits only arenas made after it, so <see cref="Program.Main"/> makes it first; the environment variable
/// also covers the threads the runtime started before Main and wins when set (testnet/start.sh sets it).
/// Hand-written: no package sets a libc tuning knob; it is one libc call.
/// </summary>
public static partial class MallocArenas
{
    /// <summary>Arenas when the environment does not say.</summary>
    public const int Default = 2;

    /// <summary>The environment variable glibc reads at start.</summary>
    public const string EnvironmentVariable = "MALLOC_ARENA_MAX";

    /// <summary>glibc's <c>M_ARENA_MAX</c> parameter of <c>mallopt</c>.</summary>
    private const int MArenaMax = -8;

    /// <summary>What <see cref="Program.Main"/>'s call did, for the node's start-up log.</summary>
    public static string AtStart { get; private set; } = "malloc arenas: not set";

    /// <summary>Applies <see cref="Default"/> unless <see cref="EnvironmentVariable"/> is set, and remembers the outcome in <see cref="AtStart"/>.</summary>
    public static void ApplyAtStart() => AtStart = Apply(Default, Environment.GetEnvironmentVariable).Message;

    /// <summary>
    /// Sets the limit to <paramref name="max"/> arenas. Returns whether it did and what happened: nothing where
    /// <see cref="EnvironmentVariable"/> is set (glibc applied it at start), nothing on a libc without <c>mallopt</c>
    /// (not Linux, or not glibc).
    /// </summary>
    public static (bool Applied, string Message) Apply(int max, Func<string, string?> environment)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        if (environment(EnvironmentVariable) is { Length: > 0 } set)
        {
            return (false, $"malloc arenas: {EnvironmentVariable}={set} from the environment");
        }

        if (!OperatingSystem.IsLinux())
        {
            return (false, "malloc arenas: not Linux, the allocator's own limit");
        }

        try
        {
            return Mallopt(MArenaMax, max) == 1
                ? (true, $"malloc arenas: at most {max} made from here on ({EnvironmentVariable} also limits the ones made before)")
                : (false, $"malloc arenas: this libc refused M_ARENA_MAX = {max}");
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return (false, "malloc arenas: this libc has no mallopt (not glibc), its own limit");
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int param, int value);
}
