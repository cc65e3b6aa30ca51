using Chain.Client.Cli;
using Chain.Node.Cli;

namespace Chain.Node.Tests.Cli;

/// <summary>Runs the chaind command tree in-process and captures what it printed.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    /// <summary>The config override of client.keyring_backend.</summary>
    public const string TestKeyringVariable = "CHAIND_CLIENT_KEYRING_BACKEND";

    public static async Task<CliRun> Invoke(
        string home,
        IEnumerable<string> args,
        string input = "",
        IReadOnlyDictionary<string, string>? environment = null,
        bool testKeyring = true)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        // Tests run the CLI as on a testnet: the test keyring unless a test names another backend (with
        // --keyring-backend, by setting this variable itself, or with testKeyring false for the real default).
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>());
        if (testKeyring)
        {
            env.TryAdd(TestKeyringVariable, "test");
        }

        var cli = new ChaindCli(new CliEnvironment(new StringReader(input), output, error, env.GetValueOrDefault, TimeProvider.System));
        var code = await cli.InvokeAsync(["--home", home, .. args]);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>The value of the "name: value" line of text output; fails the test when there is none.</summary>
    public string Field(string name)
    {
        foreach (var line in Output.Split('\n'))
        {
            if (line.StartsWith(name + ": ", StringComparison.Ordinal) || line.TrimEnd() == name + ":")
            {
                return line[(name.Length + 1)..].Trim();
            }
        }

        throw new Xunit.Sdk.XunitException($"no '{name}' line in the output (exit {ExitCode}):\n{Output}{Error}");
    }

    public ulong Number(string name) => ulong.Parse(Field(name), System.Globalization.CultureInfo.InvariantCulture);
}
