using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Chain.Proto.NodeService;
using Grpc.Net.Client;

namespace Chain.Integration.Tests;

/// <summary>
/// A real chaind process on free loopback ports with its own home. Its output is kept so a failing
/// test can show it. Disposing kills it.
/// </summary>
public sealed class ChaindProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    private readonly bool _portsInHome;

    /// <summary>A node on free ports chosen now and passed as flags at start.</summary>
    public ChaindProcess(string home)
    {
        Home = home;
        GrpcPort = FreePort();
        MetricsPort = FreePort();
        P2pPort = FreePort();
    }

    private ChaindProcess(string home, int grpcPort, int metricsPort, int p2pPort)
    {
        Home = home;
        GrpcPort = grpcPort;
        MetricsPort = metricsPort;
        P2pPort = p2pPort;
        _portsInHome = true;
    }

    /// <summary>Node <paramref name="index"/> of a `chaind testnet init --base-port <paramref name="basePort"/>`, on the
    /// ports its own config names (p2p base + 10 i, gRPC + 1, metrics + 2).</summary>
    public static ChaindProcess TestnetNode(string home, int basePort, int index)
    {
        int p2p = basePort + (10 * index);
        return new ChaindProcess(home, p2p + 1, p2p + 2, p2p);
    }

    public int P2pPort { get; }

    public string Home { get; }

    public int GrpcPort { get; }

    public int MetricsPort { get; }

    public string GrpcAddress => $"127.0.0.1:{GrpcPort}";

    /// <summary>The chaind.dll built beside this test assembly.</summary>
    public static string ChaindDll => Path.Combine(AppContext.BaseDirectory, "chaind.dll");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Runs a chaind command to completion and returns its exit code and output.</summary>
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var psi = Start(args);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            throw new TimeoutException($"chaind {string.Join(' ', args)} did not finish in 60 s");
        }

        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private static ProcessStartInfo Start(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(ChaindDll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return psi;
    }

    /// <summary>Starts `chaind start`; <paramref name="environment"/> adds variables to the process's environment.</summary>
    public void Start(string timeoutCommit = "200ms", IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = Start(_portsInHome
            ? ["start", "--home", Home]
            : [
                "start", "--home", Home,
                "--grpc.address", GrpcAddress,
                "--metrics.address", $"127.0.0.1:{MetricsPort}",
                "--p2p.listen_address", $"127.0.0.1:{P2pPort}",
                "--consensus.timeout_commit", timeoutCommit,
            ]);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts `chaind <paramref name="args"/>` (an agent, say) with its output captured like a node's.</summary>
    public void StartCommand(params string[] args)
    {
        _process = Process.Start(Start(args))!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public GrpcChannel Channel() => GrpcChannel.ForAddress($"http://{GrpcAddress}");

    /// <summary>Waits until the node answers Status with at least <paramref name="height"/>.</summary>
    public async Task<StatusResponse> WaitForHeight(ulong height, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (_process is { HasExited: true })
            {
                throw new InvalidOperationException($"chaind exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                // A channel per attempt: one that was refused while the node was starting backs off for seconds.
                using var channel = Channel();
                var client = new Status.StatusClient(channel);
                var status = await client.GetStatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
                if (status.LatestHeight >= height)
                {
                    return status;
                }
            }
            catch (Grpc.Core.RpcException e)
            {
                last = e;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"node did not reach height {height} within {within} (last error: {last?.Message}):\n{Output}");
    }

    /// <summary>Waits for the process to end on its own; returns its exit code, or null when it still runs after <paramref name="within"/>.</summary>
    public async Task<int?> WaitForExit(TimeSpan within)
    {
        if (_process is null)
        {
            throw new InvalidOperationException("the process was not started");
        }

        using var cts = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing; what was not synced is lost.</summary>
    public void KillHard()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        KillHard();
        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
