using System.Globalization;

namespace Chain.Modules.Work.Events;

/// <summary>
/// The event types the work module emits, one per state change. A provider's agent follows its leases by them:
/// `work.round_opened` carries the spec of the receipt now due, `work.challenge` the tiles to open and the deadline.
/// Amounts are uchn.
/// </summary>
public static class WorkEvents
{
    public const string BondDeposited = "work.bond_deposited";
    public const string BondWithdrawn = "work.bond_withdrawn";
    public const string RoundOpened = "work.round_opened";
    public const string ReceiptSubmitted = "work.receipt_submitted";
    public const string Challenge = "work.challenge";
    public const string ChallengeDeferred = "work.challenge_deferred";
    public const string Verified = "work.receipt_verified";
    public const string Failure = "work.failure";
    public const string Reward = "work.reward";
    public const string TenantData = "work.tenant_data_set";
    public const string TilesRequested = "work.tiles_requested";
    public const string TilesOpened = "work.tiles_opened";
    public const string DisputeUpheld = "work.dispute_upheld";
    public const string ReceiptAccepted = "work.receipt_accepted";

    public static string N(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Hex(byte[] value) => Convert.ToHexStringLower(value);
}
