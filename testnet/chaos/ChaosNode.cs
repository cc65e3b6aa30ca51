using System.Diagnostics;
using System.Globalization;

namespace Chain.Chaos;

public enum NodeState
{
    Stopped,
    Running,
    Paused,
}

/// <summary>One validator's process: started (in its namespace, with a skewed clock if asked), killed, paused.</summary>
public sealed class ChaosNode(int index, string home, string chaindDll, string? netns, string grpcAddress)
{
    private Process? _process;

    public int Index { get; } = index;

    public string Name { get; } = "node" + index.ToString(CultureInfo.InvariantCulture);

    public string Home { get; } = home;

    /// <summary>host:port of its gRPC service, as the runner reaches it.</summary>
    public string GrpcAddress { get; } = grpcAddress;

    public NodeState State { get; private set; } = NodeState.Stopped;

    /// <summary>The clock skew of the running process (zero when none).</summary>
    public TimeSpan Skew { get; private set; }

    public int Starts { get; private set; }

    public string LogPath => Path.Combine(Home, "node.log");

    /// <summary>Starts the node; <paramref name="skew"/> moves its wall clock (libfaketime), not its monotonic clock.
    /// <paramref name="doubleSignAtHeight"/> (0 = off) makes it sign a conflicting prevote at that height.</summary>
    public void Start(TimeSpan skew, ulong doubleSignAtHeight)
    {
        if (State != NodeState.Stopped)
        {
            throw new ChaosException($"{Name} is {State}, cannot start");
        }

        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        var command = $"exec {(netns is null ? "" : "ip netns exec " + netns + " ")}dotnet '{chaindDll}' start --home '{Home}' >>'{LogPath}' 2>&1";
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        start.Environment["CHAIND_TESTING_DOUBLE_SIGN_AT_HEIGHT"] = doubleSignAtHeight.ToString(CultureInfo.InvariantCulture);
        if (skew != TimeSpan.Zero)
        {
            start.Environment["LD_PRELOAD"] = FakeTime.Library ?? throw new ChaosException("clock skew needs libfaketime (apt-get install faketime)");
            start.Environment["FAKETIME"] = FakeTime.Offset(skew);
            start.Environment["FAKETIME_DONT_FAKE_MONOTONIC"] = "1";
            start.Environment["FAKETIME_DONT_RESET"] = "1";
        }

        File.AppendAllText(LogPath, $"--- chaos: start #{Starts + 1}, skew {skew.TotalSeconds:+0.###;-0.###;0} s, double sign at {doubleSignAtHeight} ---{Environment.NewLine}");
        _process = Process.Start(start) ?? throw new ChaosException($"could not start {Name}");
        Skew = skew;
        Starts++;
        State = NodeState.Running;
    }

    public void Kill()
    {
        if (_process is null || State == NodeState.Stopped)
        {
            return;
        }

        if (State == NodeState.Paused)
        {
            Libc.Kill(_process.Id, Libc.SigCont);
        }

        _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
        State = NodeState.Stopped;
    }

    /// <summary>SIGTERM and wait (a clean shutdown); SIGKILL after <paramref name="grace"/>.</summary>
    public void Stop(TimeSpan grace)
    {
        if (_process is null || State == NodeState.Stopped)
        {
            return;
        }

        if (State == NodeState.Paused)
        {
            Libc.Signal(_process.Id, Libc.SigCont);
        }

        Libc.Kill(_process.Id, Libc.SigTerm);
        if (!_process.WaitForExit(grace))
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        _process = null;
        State = NodeState.Stopped;
    }

    public void Pause()
    {
        if (_process is not null && State == NodeState.Running)
        {
            Libc.Signal(_process.Id, Libc.SigStop);
            State = NodeState.Paused;
        }
    }

    public void Resume()
    {
        if (_process is not null && State == NodeState.Paused)
        {
            Libc.Signal(_process.Id, Libc.SigCont);
            State = NodeState.Running;
        }
    }

    /// <summary>Whether a started process ended on its own (a crash: always a finding).</summary>
    public bool ExitedOnItsOwn(out int exitCode)
    {
        exitCode = 0;
        if (_process is null || !_process.HasExited)
        {
            return false;
        }

        exitCode = _process.ExitCode;
        return true;
    }
}

/// <summary>libfaketime, which moves a process's wall clock by an offset (Debian package faketime).</summary>
public static class FakeTime
{
    public static string? Library { get; } = new[]
    {
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/faketime/libfaketime.so.1",
    }.FirstOrDefault(File.Exists);

    /// <summary>FAKETIME's relative form: "+5.5" or "-30".</summary>
    public static string Offset(TimeSpan skew) => (skew >= TimeSpan.Zero ? "+" : "-") + Math.Abs(skew.TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture);
}
