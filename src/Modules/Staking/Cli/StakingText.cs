using System.Globalization;
using Chain.Client.Cli;
using Chain.Crypto;
using Chain.Proto.Staking;

namespace Chain.Modules.Staking.Cli;

/// <summary>
/// The text form of staking's records, as the market prints its own: one "name: value" line per field of a single
/// record, one line per item of a list. Decimals lose their trailing zeros; times are UTC.
/// </summary>
internal static class StakingText
{
    public static string N(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    public static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>"0.050000000000000000" → "0.05"; "12.000000000000000000" → "12".</summary>
    public static string Dec(string value) =>
        value.Contains('.', StringComparison.Ordinal) ? value.TrimEnd('0').TrimEnd('.') : value;

    public static string Uchn(ulong amount) => N(amount) + "uchn";

    public static string Seconds(ulong seconds) => N(seconds) + "s";

    public static string ConsensusAddress(Validator v) =>
        v.ConsensusPubkey.Length == 0 ? string.Empty : Address.ToBech32(Address.FromPublicKey(v.ConsensusPubkey.Span), Address.ValidatorConsensusPrefix);

    public static IEnumerable<(string, string)> ValidatorLines(Validator v)
    {
        var rates = v.Commission?.Rates ?? new CommissionRates();
        var d = v.Description ?? new Description();
        return
        [
            ("operator_address", v.OperatorAddress), ("moniker", d.Moniker), ("status", ProtoEnumText.Name(v.Status)), ("jailed", v.Jailed ? "true" : "false"),
            ("tokens", Uchn(v.Tokens)), ("delegator_shares", Dec(v.DelegatorShares)), ("commission_rate", Dec(rates.Rate)),
            ("commission_max_rate", Dec(rates.MaxRate)), ("commission_max_change_rate", Dec(rates.MaxChangeRate)),
            ("commission_updated", ResultPrinter.TimeFromSeconds(v.Commission?.UpdateTime ?? 0)), ("min_self_delegation", Uchn(v.MinSelfDelegation)),
            ("consensus_pubkey", Convert.ToHexStringLower(v.ConsensusPubkey.Span)), ("consensus_address", ConsensusAddress(v)),
            ("identity", d.Identity), ("website", d.Website), ("security_contact", d.SecurityContact), ("details", d.Details),
            ("unbonding_height", N(v.UnbondingHeight)), ("unbonding_time", ResultPrinter.TimeFromSeconds(v.UnbondingTime)),
        ];
    }

    public static (string, string) ValidatorRow(Validator v) =>
        ("validator", $"{v.OperatorAddress} {ProtoEnumText.Name(v.Status)}{(v.Jailed ? " jailed" : string.Empty)} tokens={Uchn(v.Tokens)} commission={Dec(v.Commission?.Rates?.Rate ?? string.Empty)} moniker={v.Description?.Moniker}");

    public static (string, string) DelegationRow(DelegationResponse d) =>
        ("delegation", $"{d.Delegation?.DelegatorAddress} -> {d.Delegation?.ValidatorAddress} balance={Uchn(d.Balance)} shares={Dec(d.Delegation?.Shares ?? string.Empty)}");

    public static IEnumerable<(string, string)> UnbondingRows(UnbondingDelegation u) =>
        u.Entries.Select(e => ("unbonding", $"{u.DelegatorAddress} <- {u.ValidatorAddress} balance={Uchn(e.Balance)} initial={Uchn(e.InitialBalance)} creation_height={N(e.CreationHeight)} completes={ResultPrinter.TimeFromSeconds(e.CompletionTime)}"));

    public static IEnumerable<(string, string)> RedelegationRows(Redelegation r) =>
        r.Entries.Select(e => ("redelegation", $"{r.DelegatorAddress} {r.ValidatorSrcAddress} -> {r.ValidatorDstAddress} initial={Uchn(e.InitialBalance)} shares={Dec(e.SharesDst)} creation_height={N(e.CreationHeight)} completes={ResultPrinter.TimeFromSeconds(e.CompletionTime)}"));

    public static IEnumerable<(string, string)> SigningInfoLines(ValidatorSigningInfo i) =>
    [
        ("address", i.Address), ("start_height", N(i.StartHeight)), ("index_offset", N(i.IndexOffset)), ("missed_blocks_counter", N(i.MissedBlocksCounter)),
        ("jailed_until", ResultPrinter.TimeFromSeconds(i.JailedUntil)), ("tombstoned", i.Tombstoned ? "true" : "false"),
    ];

    public static (string, string) SigningInfoRow(ValidatorSigningInfo i) =>
        ("signing_info", $"{i.Address} start_height={N(i.StartHeight)} missed={N(i.MissedBlocksCounter)}{(i.JailedUntil == 0 ? string.Empty : " jailed_until=" + ResultPrinter.TimeFromSeconds(i.JailedUntil))}{(i.Tombstoned ? " tombstoned" : string.Empty)}");
}
