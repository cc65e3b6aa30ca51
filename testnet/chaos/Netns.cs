using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Chain.Chaos;

/// <summary>
/// The network of one run, made with iproute2 inside the run and deleted after it: a hub namespace holding a control
/// bridge (gRPC and metrics, never cut) and two peer bridges (a partition moves nodes from one to the other), and one
/// namespace per node with two veths: 10.78.0.(i+1) on the control bridge and 10.77.0.(i+1) on a peer bridge. No
/// address is added to the host's own namespace: the runner reaches the control bridge through sockets made on a
/// thread that joined the hub namespace (<see cref="HubSockets"/>).
/// </summary>
public sealed class Netns : IDisposable
{
    private const string PeerNet = "10.77.0.";
    private const string ControlNet = "10.78.0.";
    private readonly string _prefix;
    private readonly int _nodes;
    private readonly HashSet<int> _cut = [];
    private bool _disposed;

    private Netns(string prefix, int nodes)
    {
        _prefix = prefix;
        _nodes = nodes;
        Hub = prefix + "hub";
    }

    public string Hub { get; }

    /// <summary>Whether this process may make network namespaces (root, and `ip netns` works).</summary>
    public static bool Available()
    {
        if (Environment.UserName != "root" || !File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip"))
        {
            return false;
        }

        var probe = "chaos-probe-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        if (Ip(false, "netns", "add", probe) != 0)
        {
            return false;
        }

        Ip(false, "netns", "del", probe);
        return true;
    }

    /// <summary>Deletes namespaces left by a runner that was killed (their names start with "chaos").</summary>
    public static void DeleteLeftovers(TextWriter log)
    {
        if (!Directory.Exists("/var/run/netns"))
        {
            return;
        }

        foreach (var path in Directory.GetFiles("/var/run/netns", "chaos*"))
        {
            var name = Path.GetFileName(path);
            var pidText = name.Split('-').ElementAtOrDefault(1);
            if (int.TryParse(pidText, CultureInfo.InvariantCulture, out var pid) && pid != Environment.ProcessId && ProcessAlive(pid))
            {
                continue; // another runner's
            }

            if (pid != Environment.ProcessId)
            {
                log.WriteLine($"deleting leftover network namespace {name}");
                Ip(false, "netns", "del", name);
            }
        }
    }

    public static Netns Create(int run, int nodes)
    {
        var prefix = $"chaos-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{run.ToString(CultureInfo.InvariantCulture)}-";
        var net = new Netns(prefix, nodes);
        try
        {
            net.Build();
        }
        catch
        {
            net.Dispose();
            throw;
        }

        return net;
    }

    public string NodeNamespace(int i) => _prefix + "n" + i.ToString(CultureInfo.InvariantCulture);

    public static string PeerAddress(int i) => PeerNet + (i + 1).ToString(CultureInfo.InvariantCulture);

    public static string ControlAddress(int i) => ControlNet + (i + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>Nodes in <paramref name="side"/> hear only each other; the rest hear only each other. Packets across
    /// are dropped silently, as by a failed link (no reset), so connections stall rather than close.</summary>
    public void Partition(IReadOnlyCollection<int> side)
    {
        Heal();
        foreach (var i in side)
        {
            IpOrThrow("-n", Hub, "link", "set", HubEnd('p', i), "master", "brb");
            _cut.Add(i);
        }
    }

    public void Heal()
    {
        foreach (var i in _cut)
        {
            IpOrThrow("-n", Hub, "link", "set", HubEnd('p', i), "master", "bra");
        }

        _cut.Clear();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (var i = 0; i < _nodes; i++)
        {
            Ip(false, "netns", "del", NodeNamespace(i));
        }

        Ip(false, "netns", "del", Hub);
    }

    private void Build()
    {
        IpOrThrow("netns", "add", Hub);
        IpOrThrow("-n", Hub, "link", "set", "lo", "up");
        foreach (var (bridge, address) in new[] { ("brc", ControlNet + "254/24"), ("bra", null), ("brb", null) })
        {
            IpOrThrow("-n", Hub, "link", "add", bridge, "type", "bridge");
            if (address is not null)
            {
                IpOrThrow("-n", Hub, "addr", "add", address, "dev", bridge);
            }

            IpOrThrow("-n", Hub, "link", "set", bridge, "up");
        }

        for (var i = 0; i < _nodes; i++)
        {
            var ns = NodeNamespace(i);
            IpOrThrow("netns", "add", ns);
            IpOrThrow("-n", ns, "link", "set", "lo", "up");
            foreach (var (kind, bridge, address) in new[] { ('c', "brc", ControlAddress(i)), ('p', "bra", PeerAddress(i)) })
            {
                // Both ends are made in the hub, then one is moved into the node's namespace.
                var inner = kind + "0";
                var hubEnd = HubEnd(kind, i);
                IpOrThrow("-n", Hub, "link", "add", hubEnd, "type", "veth", "peer", "name", "tmp" + hubEnd);
                IpOrThrow("-n", Hub, "link", "set", "tmp" + hubEnd, "netns", ns);
                IpOrThrow("-n", ns, "link", "set", "tmp" + hubEnd, "name", inner);
                IpOrThrow("-n", ns, "addr", "add", address + "/24", "dev", inner);
                IpOrThrow("-n", ns, "link", "set", inner, "up");
                IpOrThrow("-n", Hub, "link", "set", hubEnd, "master", bridge);
                IpOrThrow("-n", Hub, "link", "set", hubEnd, "up");
            }
        }
    }

    private static string HubEnd(char kind, int i) => kind + "h" + i.ToString(CultureInfo.InvariantCulture);

    private static void IpOrThrow(params string[] args)
    {
        if (Ip(true, args) != 0)
        {
            throw new ChaosException("ip " + string.Join(' ', args) + " failed");
        }
    }

    private static int Ip(bool reportErrors, params string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new ChaosException("could not start ip");
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && reportErrors)
        {
            Console.Error.WriteLine($"ip {string.Join(' ', args)}: {error.Trim()}");
        }

        return process.ExitCode;
    }

    private static bool ProcessAlive(int pid) => Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture));
}

/// <summary>
/// Makes TCP sockets inside the hub namespace: one thread joins it (setns affects only the calling thread) and creates
/// every socket; a socket stays in the namespace it was made in, so it is then connected and used from any thread.
/// </summary>
public sealed class HubSockets : IDisposable
{
    private readonly BlockingCollection<TaskCompletionSource<Socket>> _requests = new();
    private readonly Thread _thread;

    public HubSockets(string hubNamespace)
    {
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _thread = new Thread(() => Serve(hubNamespace, joined)) { IsBackground = true, Name = "hub-sockets" };
        _thread.Start();
        joined.Task.GetAwaiter().GetResult();
    }

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var request = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add(request, ct);
        var socket = await request.Task.ConfigureAwait(false);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port), ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _requests.CompleteAdding();

    private void Serve(string hubNamespace, TaskCompletionSource joined)
    {
        try
        {
            using var handle = File.OpenHandle("/var/run/netns/" + hubNamespace);
            if (Libc.SetNs((int)handle.DangerousGetHandle(), Libc.CloneNewNet) != 0)
            {
                throw new ChaosException($"setns into {hubNamespace} failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        catch (Exception e)
        {
            joined.SetException(e);
            return;
        }

        joined.SetResult();
        foreach (var request in _requests.GetConsumingEnumerable())
        {
            try
            {
                request.SetResult(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
            }
            catch (Exception e)
            {
                request.SetException(e);
            }
        }
    }
}
