using System.Diagnostics;
using System.Text.Json;
using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Node.Config;
using Chain.Proto.Bank;
using Chain.Proto.TxService;
using Google.Protobuf;

namespace Chain.Node.Tests.Clients;

/// <summary>
/// The example TypeScript client (clients/typescript) against a real node: it derives the address from a hex key,
/// signs and broadcasts a transfer, waits for the commit; the node must hold the tx under the hash it printed and the
/// balances must have moved by the amount (and the fee). Needs Node.js and the client's node_modules, which
/// scripts/ensure-deps.sh installs (npm ci); the test runs npm ci itself when they are missing.
/// </summary>
public sealed class TypeScriptClientTests(TestNode node) : IClassFixture<TestNode>
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_example_client_commits_a_transfer()
    {
        var clientDir = Path.Combine(RepositoryRoot(), "clients", "typescript");
        await EnsureInstalled(clientDir);
        node.FundedKey("typescript");
        var key = new Keyring(new NodeHome(node.Home).KeyringDirectory).GetPrivateKey("typescript");
        var from = Address.ToBech32(key.Address);
        var to = Address.ToBech32(PrivateKey.Generate().Address);
        const ulong amount = 123_457;

        var run = await Run(clientDir, NodeJs, Path.Combine("node_modules", "tsx", "dist", "cli.mjs"), Path.Combine("src", "transfer.ts"),
            "--node", node.Address, "--key", Convert.ToHexString(key.ToBytes()), "--to", to, "--amount", amount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--fee", "2000", "--json");

        Assert.True(run.ExitCode == 0, $"the client failed with exit code {run.ExitCode}:\n{run.Output}\n{run.Error}");
        Assert.Contains($"address     {from}", run.Output, StringComparison.Ordinal);
        var printed = JsonDocument.Parse(run.Output.TrimEnd().Split('\n')[^1]).RootElement;
        var hash = Convert.FromHexString(printed.GetProperty("tx_hash").GetString()!);
        var stored = await new Service.ServiceClient(node.Channel).GetTxAsync(new GetTxRequest { TxHash = ByteString.CopyFrom(hash) });
        Assert.Equal(0U, stored.Result.Code);
        Assert.Equal(hash, Hashes.Sha256(stored.TxBytes.Span));
        var bank = new Query.QueryClient(node.Channel);
        Assert.Equal(amount, (await bank.BalanceAsync(new QueryBalanceRequest { Address = to })).Balance.Amount);
        Assert.Equal(TestNode.AccountFunds - amount - 2000, (await bank.BalanceAsync(new QueryBalanceRequest { Address = from })).Balance.Amount);
        Assert.Equal(amount.ToString(System.Globalization.CultureInfo.InvariantCulture), printed.GetProperty("to_balance").GetString());
    }

    private const string NodeJs = "node";

    private static async Task EnsureInstalled(string clientDir)
    {
        try
        {
            var version = await Run(clientDir, NodeJs, "--version");
            Assert.True(version.ExitCode == 0, $"node --version failed: {version.Error}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Node.js (node) cannot be run ({e.Message}): run ./scripts/ensure-deps.sh, which installs Node.js, npm and the client's packages", e);
        }

        if (Directory.Exists(Path.Combine(clientDir, "node_modules", "tsx")))
        {
            return;
        }

        CliResult install;
        try
        {
            install = await Run(clientDir, "npm", "ci", "--no-audit", "--no-fund");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"{clientDir}/node_modules is missing and npm cannot be run ({e.Message}): run ./scripts/ensure-deps.sh, which installs Node.js, npm and the client's packages", e);
        }

        Assert.True(install.ExitCode == 0, $"npm ci in {clientDir} failed with exit code {install.ExitCode}:\n{install.Output}\n{install.Error}");
    }

    private sealed record CliResult(int ExitCode, string Output, string Error);

    private static async Task<CliResult> Run(string workingDirectory, string fileName, params string[] args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ProcessTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish within {ProcessTimeout.TotalMinutes:0} minutes:\n{await output}\n{await error}");
        }

        return new CliResult(process.ExitCode, await output, await error);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Chain.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"no Chain.sln above {AppContext.BaseDirectory}");
    }
}
