using Chain.Crypto;
using Chain.Modules.Bank.Invariants;
using Chain.Modules.Bank.Keeper;
using Chain.Proto.Types;
using Chain.State.Store;
using Chain.State.Transactions;
using Google.Protobuf;

namespace Chain.Modules.Bank.Tests;

public class TransferTests
{
    [Fact]
    public void Transfers_move_exact_amounts_and_keep_supply()
    {
        var chain = new TestChain(3);
        var supply = chain.Supply();
        var results = chain.Commit(
            chain.Send(0, chain.AddressOf(1), 1000).ToByteArray(),
            chain.Send(0, chain.AddressOf(2), 500).ToByteArray(),
            chain.Send(1, chain.AddressOf(2), 7).ToByteArray());
        Assert.All(results.Results, r => Assert.Equal(0u, r.Code));
        Assert.Equal(1_000_000_000UL - 1500 - 2 * 2000, chain.Balance(0));
        Assert.Equal(1_000_000_000UL + 1000 - 7 - 2000, chain.Balance(1));
        Assert.Equal(1_000_000_000UL + 507, chain.Balance(2));
        Assert.Equal(3 * 2000UL, chain.Balance(BankKeeper.FeeCollector));
        Assert.Equal(supply, chain.Supply());
        Assert.Contains(results.Results[0].Events, e => e.Type == "bank.transfer");
    }

    [Fact]
    public void A_new_recipient_gets_an_account_and_can_spend_in_the_same_block()
    {
        var chain = new TestChain(1);
        var fresh = PrivateKey.Generate();
        var freshAddress = Address.ToBech32(fresh.Address);
        var fund = chain.Send(0, freshAddress, 100_000);
        chain.Commit(fund.ToByteArray());
        var account = chain.Bank.GetAccount(new ReadOnlyStateStore(chain.Executor.Committed), fresh.Address);
        Assert.NotNull(account);
        var back = TxFactory.Sign(fresh, TestChain.ChainId, account.AccountNumber, 0, TestChain.Fee(), [
            new Proto.Bank.MsgSend { FromAddress = freshAddress, ToAddress = chain.AddressOf(0), Amount = { new Coin { Denom = "uchn", Amount = 1 } } },
        ]);
        var results = chain.Commit(back.ToByteArray());
        Assert.Equal(0u, results.Results[0].Code);
        Assert.Equal(100_000UL - 1 - 2000, chain.Balance(fresh.Address));
    }

    [Fact]
    public void A_failed_message_keeps_fee_and_sequence_but_moves_nothing()
    {
        var chain = new TestChain(2, balance: 10_000);
        var tooMuch = chain.Send(0, chain.AddressOf(1), 9_000); // fee 2000 leaves 8000
        var results = chain.Commit(tooMuch.ToByteArray());
        Assert.Equal(BankErrors.InsufficientFunds, results.Results[0].Code);
        Assert.Equal(BankErrors.Codespace, results.Results[0].Codespace);
        Assert.Equal(8_000UL, chain.Balance(0));
        Assert.Equal(10_000UL, chain.Balance(1));
        Assert.DoesNotContain(results.Results[0].Events, e => e.Type == "bank.transfer");
        // The sequence advanced: the next tx uses 1.
        var next = chain.Commit(chain.Send(0, chain.AddressOf(1), 1).ToByteArray());
        Assert.Equal(0u, next.Results[0].Code);
    }

    [Fact]
    public void Sending_to_oneself_costs_only_the_fee()
    {
        var chain = new TestChain(1);
        var results = chain.Commit(chain.Send(0, chain.AddressOf(0), 5_000).ToByteArray());
        Assert.Equal(0u, results.Results[0].Code);
        Assert.Equal(1_000_000_000UL - 2000, chain.Balance(0));
        var tooMuch = chain.Commit(chain.Send(0, chain.AddressOf(0), 1_000_000_000).ToByteArray());
        Assert.Equal(BankErrors.InsufficientFunds, tooMuch.Results[0].Code);
    }

    [Fact]
    public void Running_out_of_gas_rolls_back_the_messages()
    {
        var chain = new TestChain(2);
        var tx = chain.Send(0, chain.AddressOf(1), 5, TestChain.Fee(2000, gas: 12_000));
        var results = chain.Commit(tx.ToByteArray());
        Assert.Equal(TxCodes.OutOfGas, results.Results[0].Code);
        Assert.Equal(1_000_000_000UL, chain.Balance(1));
    }

    [Fact]
    public void A_block_over_its_gas_limit_refuses_the_txs_that_do_not_fit()
    {
        var chain = new TestChain(2);
        var big = chain.Send(0, chain.AddressOf(1), 5, TestChain.Fee(2000, gas: 900_000_000));
        var second = chain.Send(1, chain.AddressOf(0), 5, TestChain.Fee(2000, gas: 200_000_000));
        var results = chain.Commit(big.ToByteArray(), second.ToByteArray());
        Assert.Equal(0u, results.Results[0].Code);
        Assert.Equal(TxCodes.BlockGasExceeded, results.Results[1].Code);
    }

    [Fact]
    public void Invariant_catches_supply_that_does_not_match_balances()
    {
        var chain = new TestChain(2);
        var cache = new CacheState(chain.Executor.Committed);
        new PrefixStore(cache, BankKeys.ModulePrefix).Set(BankKeys.Balance(chain.Keys[0].Address, "uchn"), new byte[] { 0, 0, 0, 0, 0, 0, 0, 1 });
        var broken = BankInvariants.Check(chain.Bank, cache);
        Assert.Contains(broken, b => b.Contains("supply", StringComparison.Ordinal));
    }
}
