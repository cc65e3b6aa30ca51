using Chain.Node.Hosting;

namespace Chain.Node.Tests.Hosting;

public class MallocArenasTests
{
    [Fact]
    public void A_limit_is_set_through_glibc_on_linux()
    {
        var (applied, message) = MallocArenas.Apply(2, _ => null);

        // The test machines and CI run Debian (glibc); elsewhere the call is skipped and says why.
        Assert.Equal(OperatingSystem.IsLinux(), applied);
        Assert.Contains(applied ? "at most 2" : "own limit", message);
    }

    [Fact]
    public void Fewer_than_one_arena_is_refused() => Assert.Throws<ArgumentOutOfRangeException>(() => MallocArenas.Apply(0, _ => null));

    [Fact]
    public void The_environment_variable_wins_over_the_default()
    {
        var (applied, message) = MallocArenas.Apply(2, name => name == "MALLOC_ARENA_MAX" ? "4" : null);

        Assert.False(applied);
        Assert.Equal("malloc arenas: MALLOC_ARENA_MAX=4 from the environment", message);
    }

    [Fact]
    public void The_mmap_threshold_is_fixed_through_glibc_on_linux_unless_the_environment_sets_it()
    {
        var (applied, message) = MallocArenas.ApplyMmapThreshold(MallocArenas.DefaultMmapThreshold, _ => null);
        Assert.Equal(OperatingSystem.IsLinux(), applied);
        Assert.Contains(applied ? "fixed at 131072 bytes" : "the allocator's own", message);

        var (fromEnvironment, said) = MallocArenas.ApplyMmapThreshold(MallocArenas.DefaultMmapThreshold, name => name == "MALLOC_MMAP_THRESHOLD_" ? "262144" : null);
        Assert.False(fromEnvironment);
        Assert.Equal("malloc mmap threshold: MALLOC_MMAP_THRESHOLD_=262144 from the environment", said);
        Assert.Throws<ArgumentOutOfRangeException>(() => MallocArenas.ApplyMmapThreshold(100, _ => null));
    }
}
