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
/// <para>
/// It also fixes glibc's mmap threshold at <see cref="DefaultMmapThreshold"/> (<c>mallopt(M_MMAP_THRESHOLD)</c>, what
/// <c>MALLOC_MMAP_THRESHOLD_</c> sets). Left to itself glibc raises the threshold to the size of each mapped block
/// that is freed (up to 32 MiB): once RocksDB frees a memtable's multi-megabyte arena blocks, the next ones come from
/// the malloc heaps, which keep the memory after they are freed. Fixed, blocks of 128 KiB and more are mapped and
/// given back to the system when freed. At 2,500 tx/s offered for 5 minutes testnet nodes peaked at 292-302 MB with
/// it and 342-348 MB without (docs/benchmarks.md, "Memory at 2,500 tx/s").
/// </para>
/// Hand-written: no package sets a libc tuning knob; it is one libc call.
/// </summary>
public static partial class MallocArenas
{
    /// <summary>Arenas when the environment does not say.</summary>
    public const int Default = 2;

    /// <summary>The environment variable glibc reads at start.</summary>
    public const string EnvironmentVariable = "MALLOC_ARENA_MAX";

    /// <summary>The mmap threshold when the environment does not say: glibc's own starting value, kept fixed.</summary>
    public const int DefaultMmapThreshold = 128 * 1024;

    /// <summary>The environment variable glibc reads at start for the mmap threshold (with its trailing underscore).</summary>
    public const string MmapThresholdVariable = "MALLOC_MMAP_THRESHOLD_";

    /// <summary>glibc's <c>M_ARENA_MAX</c> parameter of <c>mallopt</c>.</summary>
    private const int MArenaMax = -8;

    /// <summary>glibc's <c>M_MMAP_THRESHOLD</c> parameter of <c>mallopt</c>.</summary>
    private const int MMmapThreshold = -3;

    /// <summary>What <see cref="Program.Main"/>'s call did, for the node's start-up log.</summary>
    public static string AtStart { get; private set; } = "malloc arenas: not set";

    /// <summary>
    /// Applies <see cref="Default"/> arenas and the <see cref="DefaultMmapThreshold"/>, each unless its environment
    /// variable is set, and remembers the outcome in <see cref="AtStart"/>.
    /// </summary>
    public static void ApplyAtStart() =>
        AtStart = Apply(Default, Environment.GetEnvironmentVariable).Message + "; "
            + ApplyMmapThreshold(DefaultMmapThreshold, Environment.GetEnvironmentVariable).Message;

    /// <summary>
    /// Fixes the mmap threshold at <paramref name="bytes"/>. Returns whether it did and what happened: nothing where
    /// <see cref="MmapThresholdVariable"/> is set (glibc applied it at start), nothing on a libc without <c>mallopt</c>.
    /// </summary>
    public static (bool Applied, string Message) ApplyMmapThreshold(int bytes, Func<string, string?> environment)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 4096);
        return Set("malloc mmap threshold", MmapThresholdVariable, MMmapThreshold, "M_MMAP_THRESHOLD", bytes, $"fixed at {bytes} bytes", "the allocator's own", environment);
    }

    /// <summary>
    /// Sets the limit to <paramref name="max"/> arenas. Returns whether it did and what happened: nothing where
    /// <see cref="EnvironmentVariable"/> is set (glibc applied it at start), nothing on a libc without <c>mallopt</c>
    /// (not Linux, or not glibc).
    /// </summary>
    public static (bool Applied, string Message) Apply(int max, Func<string, string?> environment)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        return Set("malloc arenas", EnvironmentVariable, MArenaMax, "M_ARENA_MAX", max, $"at most {max} made from here on ({EnvironmentVariable} also limits the ones made before)", "the allocator's own limit", environment);
    }

    /// <summary>
    /// Sets glibc's <c>mallopt</c> <paramref name="parameter"/> (named <paramref name="name"/>) to <paramref name="value"/>
    /// unless <paramref name="variable"/> is in the environment; <paramref name="otherwise"/> says what applies where
    /// nothing is set. Messages start with <paramref name="what"/>.
    /// </summary>
    private static (bool Applied, string Message) Set(string what, string variable, int parameter, string name, int value, string applied, string otherwise, Func<string, string?> environment)
    {
        if (environment(variable) is { Length: > 0 } set)
        {
            return (false, $"{what}: {variable}={set} from the environment");
        }

        if (!OperatingSystem.IsLinux())
        {
            return (false, $"{what}: not Linux, {otherwise}");
        }

        try
        {
            return Mallopt(parameter, value) == 1
                ? (true, $"{what}: {applied}")
                : (false, $"{what}: this libc refused {name} = {value}");
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return (false, $"{what}: this libc has no mallopt (not glibc), {otherwise}");
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int param, int value);
}
