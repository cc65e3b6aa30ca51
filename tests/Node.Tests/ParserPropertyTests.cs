using Chain.Crypto;
using Chain.Node.Config;
using Chain.Node.Genesis;

namespace Chain.Node.Tests;

/// <summary>Whatever text reaches the config and genesis parsers, only their own exceptions come out.</summary>
public sealed class ParserPropertyTests
{
    private static readonly string ValidGenesis = GenesisFile.Format(
        DefaultGenesis.Create("chain-1", [new GenesisOperator(PrivateKey.Generate(), PrivateKey.Generate().PublicKey, "v")], DateTimeOffset.UnixEpoch).Genesis);

    private static readonly string DefaultToml = NodeConfigWriter.ToToml(new NodeConfig());

    private static readonly Gen<string> RandomText = Gen.OneOf(
        Gen.String,
        Gen.Byte.Array[0, 512].Select(b => System.Text.Encoding.UTF8.GetString(b)),
        Gen.Char["{}[]\":,0123456789aeflnrstu-.\\ \n="].Array[0, 200].Select(c => new string(c)));

    /// <summary>A valid document with a few characters replaced, inserted or removed.</summary>
    private static Gen<string> Mutated(string valid) =>
        Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Int[0, 2], Gen.Char["{}[]\":,0123456789-aefz \n=#.x"], (at, op, c) => op switch
        {
            0 => valid[..at] + c + valid[(at + 1)..],
            1 => valid[..at] + c + valid[at..],
            _ => valid[..at] + valid[(at + 1)..],
        });

    private static void OnlyGenesisErrors(string json)
    {
        try
        {
            GenesisRules.Validate(GenesisFile.Parse(json));
        }
        catch (GenesisException e)
        {
            Assert.StartsWith("genesis.json: ", e.Message);
        }
    }

    private static void OnlyConfigErrors(string toml)
    {
        try
        {
            NodeConfigLoader.ParseToml(toml).Validate("config.toml");
        }
        catch (ConfigException e)
        {
            Assert.StartsWith("config.toml: ", e.Message);
        }
    }

    [Fact]
    public void Genesis_parser_throws_only_genesis_errors_on_random_text() =>
        RandomText.Sample(OnlyGenesisErrors, iter: 2_000);

    [Fact]
    public void Genesis_parser_throws_only_genesis_errors_on_mutated_documents() =>
        Mutated(ValidGenesis).Sample(OnlyGenesisErrors, iter: 3_000);

    [Fact]
    public void Config_parser_throws_only_config_errors_on_random_text() =>
        RandomText.Sample(OnlyConfigErrors, iter: 2_000);

    [Fact]
    public void Config_parser_throws_only_config_errors_on_mutated_files() =>
        Mutated(DefaultToml).Sample(OnlyConfigErrors, iter: 3_000);

    [Fact]
    public void Config_values_from_the_environment_throw_only_config_errors() =>
        Gen.Select(Gen.Int[0, ConfigSchema.Keys.Count - 1], RandomText).Sample((i, value) =>
        {
            var key = ConfigSchema.Keys[i];
            try
            {
                NodeConfigLoader.ApplyEnvironment(new NodeConfig(), name => name == key.EnvironmentVariable ? value : null);
            }
            catch (ConfigException e)
            {
                Assert.Contains(key.EnvironmentVariable, e.Message);
            }
        }, iter: 2_000);
}
