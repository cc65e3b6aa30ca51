namespace Chain.Node.Tests;

/// <summary>
/// The skip reason of tests that need the staking module's real MsgCreateValidator handler (gen txs delivered by the
/// node's own module catalog). When src/Modules/Staking handles it, delete the Skip of every test that names this.
/// </summary>
internal static class StakingPending
{
    public const string Reason = "needs the staking module's MsgCreateValidator handler; remove this Skip once src/Modules/Staking handles it";
}
