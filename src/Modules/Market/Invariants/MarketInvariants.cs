using Chain.Crypto;
using Chain.Modules.Market.Keeper;
using Chain.Proto.Market;
using Chain.State.Storage;
using Chain.State.Store;
using Chain.State.Types;

namespace Chain.Modules.Market.Invariants;

/// <summary>
/// The market's invariants, checked by tests after every block: each escrow account's books balance
/// (balance + payable + paid out + taken + refunded = deposited, balance = the deposits left); the escrow module
/// account holds exactly what the market owes (open escrow balances and payables, provider bonds, bid deposits);
/// records agree with each other; and every index and queue entry is exactly what the records derive.
/// </summary>
public static class MarketInvariants
{
    public static IReadOnlyList<string> Check(MarketKeeper keeper, IStateReader state)
    {
        var broken = new List<string>();
        var records = keeper.Records;
        var expected = new SortedSet<byte[]>(ByteArrayComparer.Instance);
        UInt128 owed = 0;

        foreach (var provider in records.All(state, MarketKeys.Providers, Provider.Parser))
        {
            owed += provider.Bond;
        }

        var orders = new Dictionary<ulong, Order>();
        foreach (var order in records.All(state, MarketKeys.Orders, Order.Parser))
        {
            orders[order.Id] = order;
            expected.Add(MarketKeys.OrderByOwner(Address.FromBech32(order.Owner), order.Id));
            expected.Add(MarketKeys.OrderByState((int)order.State, order.Id));
            if (order.State == OrderState.Open)
            {
                expected.Add(MarketKeys.BiddingCloses(order.BiddingClosesHeight, order.Id));
            }
        }

        var bids = new Dictionary<ulong, Bid>();
        foreach (var bid in records.All(state, MarketKeys.Bids, Bid.Parser))
        {
            bids[bid.Id] = bid;
            expected.Add(MarketKeys.BidByOrder(bid.OrderId, bid.Id));
            expected.Add(MarketKeys.BidByProvider(Address.FromBech32(bid.Provider), bid.Id));
            expected.Add(MarketKeys.BidByState((int)bid.State, bid.Id));
            if (bid.State == BidState.Open)
            {
                expected.Add(MarketKeys.OpenBidByOrder(bid.OrderId, bid.Id));
            }

            if (MarketRecords.IsLive(bid.State))
            {
                owed += bid.Deposit;
                expected.Add(MarketKeys.LiveBidByProvider(Address.FromBech32(bid.Provider), bid.Id));
            }

            if (!orders.TryGetValue(bid.OrderId, out var order))
            {
                broken.Add($"market: bid {bid.Id} is on order {bid.OrderId}, which does not exist");
            }
            else if (bid.State == BidState.Open && order.State != OrderState.Open)
            {
                broken.Add($"market: bid {bid.Id} is open but its order {order.Id} is {order.State}");
            }
        }

        foreach (var lease in records.All(state, MarketKeys.Leases, Lease.Parser))
        {
            expected.Add(MarketKeys.LeaseByTenant(Address.FromBech32(lease.Tenant), lease.Id));
            expected.Add(MarketKeys.LeaseByProvider(Address.FromBech32(lease.Provider), lease.Id));
            expected.Add(MarketKeys.LeaseByState((int)lease.State, lease.Id));
            var active = lease.State == LeaseState.Active;
            if (!bids.TryGetValue(lease.BidId, out var bid) || bid.State != (active ? BidState.Active : BidState.Closed))
            {
                broken.Add($"market: lease {lease.Id} is {lease.State} but its bid {lease.BidId} is {bid?.State.ToString() ?? "missing"}");
            }

            if (!orders.TryGetValue(lease.OrderId, out var order) || order.State != (active ? OrderState.Active : OrderState.Closed) || order.WinningBidId != lease.BidId)
            {
                broken.Add($"market: lease {lease.Id} is {lease.State} but its order is {order?.State.ToString() ?? "missing"}");
            }

            var escrow = records.GetEscrow(state, lease.Id);
            if (escrow is null || (escrow.State == EscrowState.Open) != active || escrow.Rate != lease.PricePerBlock || escrow.Provider != lease.Provider)
            {
                broken.Add($"market: lease {lease.Id} ({lease.State}, {lease.PricePerBlock}uchn/block) does not agree with its escrow account");
            }
        }

        foreach (var escrow in records.All(state, MarketKeys.EscrowAccounts, EscrowAccount.Parser))
        {
            UInt128 sum = (UInt128)escrow.Balance + escrow.Payable + escrow.PaidOut + escrow.Taken + escrow.Refunded;
            if (sum != escrow.Deposited)
            {
                broken.Add($"market: escrow {escrow.Id}: balance {escrow.Balance} + payable {escrow.Payable} + paid out {escrow.PaidOut} + taken {escrow.Taken} + refunded {escrow.Refunded} != deposited {escrow.Deposited}");
            }

            UInt128 remaining = 0;
            foreach (var d in escrow.Deposits)
            {
                remaining += d.Remaining;
                if (d.Remaining == 0)
                {
                    broken.Add($"market: escrow {escrow.Id} keeps a used-up deposit");
                }
            }

            if (remaining != escrow.Balance)
            {
                broken.Add($"market: escrow {escrow.Id}: deposits left add up to {remaining}, balance is {escrow.Balance}");
            }

            if (escrow.State == EscrowState.Open)
            {
                owed += (UInt128)escrow.Balance + escrow.Payable;
            }
            else if (escrow.Balance != 0 || escrow.Payable != 0)
            {
                broken.Add($"market: escrow {escrow.Id} is closed but still holds {escrow.Balance + escrow.Payable}uchn");
            }

            if (MarketRecords.FundsRunOutHeight(escrow) is { } runOut)
            {
                expected.Add(MarketKeys.FundsRunOut(runOut, escrow.Id));
            }
        }

        var held = keeper.Bank.GetBalance(state, MarketAccounts.Escrow, Coins.BaseDenom);
        if (held != owed)
        {
            broken.Add($"market: the escrow module account holds {held}uchn, the market owes {owed}uchn");
        }

        var scoped = MarketRecords.Scoped(state);
        var actual = new SortedSet<byte[]>(ByteArrayComparer.Instance);
        foreach (var (k, _) in scoped.IteratePrefix(MarketKeys.Indexes))
        {
            actual.Add(k);
        }

        foreach (var (k, _) in scoped.IteratePrefix(MarketKeys.Queues))
        {
            actual.Add(k);
        }

        if (!actual.SetEquals(expected))
        {
            var missing = expected.Where(k => !actual.Contains(k)).Take(3).Select(Convert.ToHexString);
            var extra = actual.Where(k => !expected.Contains(k)).Take(3).Select(Convert.ToHexString);
            broken.Add($"market: indexes differ from what the records derive; missing [{string.Join(", ", missing)}], extra [{string.Join(", ", extra)}]");
        }

        return broken;
    }
}
