using System.Text.RegularExpressions;
using Chain.Crypto;
using Chain.Node.App;
using Chain.Proto.Genesis;
using Chain.State.Modules;
using Chain.State.Types;

namespace Chain.Node.Genesis;

/// <summary>The checks a genesis document passes before a node starts from it; each failure names the key path.</summary>
public static partial class GenesisRules
{
    public const ulong MaxBlockBytes = 100UL * 1024 * 1024;

    /// <summary>Total voting power stays far from overflow when summed with priorities (as CometBFT does).</summary>
    public const long MaxTotalPower = long.MaxValue / 8;

    /// <summary>
    /// Throws <see cref="GenesisException"/> at the first rule <paramref name="doc"/> breaks: the chain's own keys, then
    /// every module's section (<see cref="ModuleSet.ValidateGenesis"/>; the node's modules unless others are given).
    /// A genesis needs validators: listed in `validators`, or made by the signed create-validator txs in `gen_txs`
    /// (each checked here: decodes, signed for this chain id; see <see cref="GenTx.TryDecode"/>), or both (the node
    /// then checks they agree). A <paramref name="draft"/> (one the `chaind genesis` commands are still assembling)
    /// may have neither yet.
    /// </summary>
    public static void Validate(GenesisDoc doc, string source = "genesis.json", ModuleSet? moduleSet = null, bool draft = false)
    {
        void Fail(string path, string message) => throw new GenesisException($"{source}: '{path}' {message}");

        if (!IsValidChainId(doc.ChainId))
        {
            Fail("chain_id", $"\"{doc.ChainId}\" must be 1 to 48 characters of a-z, 0-9 and '-'");
        }

        if (!TryParseTime(doc.GenesisTime, out _))
        {
            Fail("genesis_time", $"\"{doc.GenesisTime}\" must be an RFC 3339 time such as 2026-01-02T15:04:05Z");
        }

        if (doc.InitialHeight < 1)
        {
            Fail("initial_height", "must be at least 1");
        }

        var consensus = doc.ConsensusParams;
        if (consensus is null)
        {
            Fail("consensus_params", "is missing");
        }
        else
        {
            if (consensus.BlockMaxBytes is 0 or > MaxBlockBytes)
            {
                Fail("consensus_params.block_max_bytes", $"must be from 1 to {MaxBlockBytes} (100 MiB)");
            }

            if (consensus.BlockMaxGas == 0)
            {
                Fail("consensus_params.block_max_gas", "must be above 0");
            }

            if (consensus.TxMaxBytes == 0 || consensus.TxMaxBytes > consensus.BlockMaxBytes)
            {
                Fail("consensus_params.tx_max_bytes", $"must be from 1 to block_max_bytes ({consensus.BlockMaxBytes})");
            }
        }

        if (doc.Validators.Count == 0 && doc.GenTxs.Count == 0 && !draft)
        {
            Fail("validators", "must list at least one validator, or 'gen_txs' must hold the signed create-validator txs that make them (`chaind genesis gentx`, then `chaind genesis collect-gentxs`)");
        }

        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long totalPower = 0;
        for (var i = 0; i < doc.Validators.Count; i++)
        {
            var v = doc.Validators[i];
            var path = $"validators[{i}]";
            if (v.Name.Length > 0
                && !Address.TryFromBech32(v.Name, out _, out _, Address.ValidatorOperatorPrefix)
                && !Address.TryFromBech32(v.Name, out _, out _))
            {
                Fail(path + ".name", $"\"{v.Name}\" must be a bech32 address with prefix '{Address.ValidatorOperatorPrefix}' or '{Address.AccountPrefix}', or empty");
            }

            if (!TryParsePublicKey(v.PublicKey, out _))
            {
                Fail(path + ".public_key", "must be the hex of a valid 33-byte compressed secp256k1 public key");
            }

            if (!keys.Add(v.PublicKey))
            {
                Fail(path + ".public_key", "repeats the key of an earlier validator");
            }

            if (v.Power <= 0)
            {
                Fail(path + ".power", "must be above 0");
            }

            if (v.Power > MaxTotalPower - totalPower)
            {
                Fail(path + ".power", $"brings the total voting power above {MaxTotalPower}");
            }

            totalPower += v.Power;
        }

        var operators = new Dictionary<string, int>(StringComparer.Ordinal);
        var consensusKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < doc.GenTxs.Count; i++)
        {
            var path = $"gen_txs[{i}]";
            var bytes = doc.GenTxs[i].ToByteArray();
            if (consensus is not null && (ulong)bytes.Length > consensus.TxMaxBytes)
            {
                Fail(path, $"is {bytes.Length} bytes, over consensus_params.tx_max_bytes ({consensus.TxMaxBytes})");
            }

            var gentx = GenTx.TryDecode(bytes, doc.ChainId, out var error);
            if (gentx is null)
            {
                Fail(path, error);
                continue;
            }

            if (!operators.TryAdd(gentx.ValidatorAddress, i))
            {
                Fail(path, $"creates validator {gentx.ValidatorAddress} again (gen_txs[{operators[gentx.ValidatorAddress]}] does)");
            }

            var key = Convert.ToHexStringLower(gentx.ConsensusPublicKey);
            if (!consensusKeys.TryAdd(key, i))
            {
                Fail(path, $"uses the consensus key of gen_txs[{consensusKeys[key]}]");
            }
        }

        var modules = (moduleSet ?? ModuleCatalog.Create()).ValidateGenesis(doc);
        if (!modules.IsOk)
        {
            throw new GenesisException($"{source}: {modules.Log}");
        }
    }

    /// <summary>Whether <paramref name="chainId"/> is 1 to 48 characters of a-z, 0-9 and '-'.</summary>
    public static bool IsValidChainId(string chainId) => ChainIdPattern().IsMatch(chainId);

    /// <summary>Writes <paramref name="time"/> as genesis_time: RFC 3339 in UTC with seven fractional digits.</summary>
    public static string FormatTime(DateTimeOffset time) => Rfc3339Time.Format(time);

    /// <summary>Reads an RFC 3339 time ("2026-01-02T15:04:05Z", fractions up to nanoseconds, an offset or Z).</summary>
    public static bool TryParseTime(string text, out DateTimeOffset time) => Rfc3339Time.TryParse(text, out time);

    /// <summary>Decodes the hex of a valid compressed secp256k1 public key.</summary>
    public static bool TryParsePublicKey(string hex, out byte[] key)
    {
        key = [];
        if (hex.Length != Secp256k1.CompressedPublicKeySize * 2 || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        key = Convert.FromHexString(hex);
        return Secp256k1.IsValidPublicKey(key);
    }

    [GeneratedRegex("^[a-z0-9-]{1,48}$", RegexOptions.CultureInvariant)]
    private static partial Regex ChainIdPattern();
}
