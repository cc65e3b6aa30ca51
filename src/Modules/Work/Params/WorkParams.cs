using Chain.Proto.Work;
using Chain.State.Modules;
using Chain.State.Types;

namespace Chain.Modules.Work.Params;

/// <summary>
/// The work module's params: defaults for a network of data-centre GPUs, the small testnet profile a CPU prover
/// keeps up with, and their validation. Sizes: at the defaults (n = 4,096, k = 16, s = 256) a challenge response is
/// about 230 KiB with 2^24 tiles, under a quarter of the 1 MiB tx limit (docs/work.md, "Sizes").
/// </summary>
public static class WorkParams
{
    public const uint MaxN = 65_536;
    public const uint MaxSamples = 1_024;
    public const uint MaxRows = 1 << 24;

    /// <summary>The most bytes the opened tiles of one response may take (values and paths), well under the 1 MiB tx limit.</summary>
    public const int MaxResponseBytes = 768 * 1024;

    public static Proto.Work.Params Default() => new()
    {
        N = 4096,
        TileWidth = 16,
        Samples = 256,
        ReceiptInterval = 100,
        ChallengeDelay = 2,
        ResponseDeadline = 20,
        DisputeWindow = 100,
        ModelRows =
        {
            new ModelRows { Model = "nvidia/h200", RowsPerGpu = 65_536 },
            new ModelRows { Model = "nvidia/h100", RowsPerGpu = 65_536 },
            new ModelRows { Model = "nvidia/a100", RowsPerGpu = 32_768 },
        },
        DefaultRowsPerGpu = 4_096,
        BondPerLease = 10_000_000_000,
        SlashTenantShare = "0.5",
        MaxQueuePerBlock = 1_000,
    };

    /// <summary>The mint's work_reward_share on the testnet: a tenth of each block's minted coins for verified work.</summary>
    public const string TestnetWorkRewardShare = "0.1";

    /// <summary>The testnet's: receipts every 10 blocks of a 256 x 256 x 256 product per GPU, cheap on any CPU; a 100 CHN bond per lease.</summary>
    public static void ApplyTestnetProfile(Proto.Work.Params p)
    {
        p.N = 256;
        p.TileWidth = 16;
        p.Samples = 32;
        p.ReceiptInterval = 10;
        p.ChallengeDelay = 2;
        p.ResponseDeadline = 10;
        p.DisputeWindow = 20;
        p.ModelRows.Clear();
        p.DefaultRowsPerGpu = 256;
        p.BondPerLease = 100_000_000;
    }

    /// <summary>Rows of A per GPU for <paramref name="model"/> ("vendor/model").</summary>
    public static uint RowsPerGpu(Proto.Work.Params p, string model)
    {
        foreach (var m in p.ModelRows)
        {
            if (string.Equals(m.Model, model, StringComparison.OrdinalIgnoreCase))
            {
                return m.RowsPerGpu;
            }
        }

        return p.DefaultRowsPerGpu;
    }

    public static Dec TenantShare(Proto.Work.Params p) => Dec.Parse(p.SlashTenantShare);

    public static ExecResult Validate(Proto.Work.Params? p, string path)
    {
        if (p is null)
        {
            return Invalid($"{path} is missing");
        }

        if (p.N == 0 || p.N > MaxN || p.N % 16 != 0)
        {
            return Invalid($"{path}.n is {p.N}; expected a multiple of 16 from 16 to {MaxN}");
        }

        if (p.TileWidth == 0 || p.TileWidth > p.N || p.TileWidth > 256)
        {
            return Invalid($"{path}.tile_width is {p.TileWidth}; expected 1 to min(n, 256)");
        }

        if (p.Samples == 0 || p.Samples > MaxSamples)
        {
            return Invalid($"{path}.samples is {p.Samples}; expected 1 to {MaxSamples}");
        }

        var perTile = (4L * p.TileWidth) + (34L * 40) + 16;
        if (perTile * p.Samples > MaxResponseBytes)
        {
            return Invalid($"{path}: a response of {p.Samples} tiles of width {p.TileWidth} could take {perTile * p.Samples} bytes; at most {MaxResponseBytes} fit a tx with room");
        }

        if (p.ReceiptInterval == 0 || p.ReceiptInterval > 1_000_000)
        {
            return Invalid($"{path}.receipt_interval is {p.ReceiptInterval}; expected 1 to 1,000,000 blocks");
        }

        if (p.ChallengeDelay == 0 || p.ChallengeDelay > 1_000)
        {
            return Invalid($"{path}.challenge_delay is {p.ChallengeDelay}; expected 1 to 1,000 blocks");
        }

        if (p.ResponseDeadline == 0 || p.ResponseDeadline > 100_000 || p.DisputeWindow == 0 || p.DisputeWindow > 1_000_000)
        {
            return Invalid($"{path}.response_deadline ({p.ResponseDeadline}) and dispute_window ({p.DisputeWindow}) must be 1 to 100,000 and 1 to 1,000,000 blocks");
        }

        if (p.DefaultRowsPerGpu == 0 || p.DefaultRowsPerGpu > MaxRows)
        {
            return Invalid($"{path}.default_rows_per_gpu is {p.DefaultRowsPerGpu}; expected 1 to {MaxRows}");
        }

        for (var i = 0; i < p.ModelRows.Count; i++)
        {
            var m = p.ModelRows[i];
            if (m.RowsPerGpu == 0 || m.RowsPerGpu > MaxRows || !m.Model.Contains('/') || m.Model.Length > 64)
            {
                return Invalid($"{path}.model_rows[{i}]: model \"{m.Model}\" must be \"vendor/model\" and rows_per_gpu 1 to {MaxRows}");
            }
        }

        if (!Dec.TryParse(p.SlashTenantShare, out var share) || share.IsNegative || share > Dec.One)
        {
            return Invalid($"{path}.slash_tenant_share is \"{p.SlashTenantShare}\"; expected a decimal from 0 to 1");
        }

        if (p.MaxQueuePerBlock == 0 || p.MaxQueuePerBlock > 100_000)
        {
            return Invalid($"{path}.max_queue_per_block is {p.MaxQueuePerBlock}; expected 1 to 100,000");
        }

        return ExecResult.Ok;
    }

    private static ExecResult Invalid(string log) => WorkErrors.Error(WorkErrors.InvalidParams, log);
}
