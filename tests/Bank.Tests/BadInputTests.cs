using System.Numerics;
using Chain.Crypto;
using Chain.Proto.Bank;
using Chain.Proto.Types;
using Chain.State.Transactions;
using Google.Protobuf;

namespace Chain.Modules.Bank.Tests;

/// <summary>Each kind of bad tx gets its own code and a message, and changes no state.</summary>
public class BadInputTests
{
    private static readonly BigInteger Order = BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    private static void AssertRefused(TestChain chain, byte[] txBytes, uint code, string codespace, string logContains)
    {
        var before = chain.StateDump();
        var results = chain.Commit(txBytes);
        var r = results.Results[0];
        Assert.True(code == r.Code, $"expected code {code}, got {r.Code}: {r.Log}");
        Assert.Equal(codespace, r.Codespace);
        Assert.Contains(logContains, r.Log, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, chain.StateDump());
    }

    [Fact]
    public void Malformed_bytes() =>
        AssertRefused(new TestChain(1), [0xff, 0xff, 0xff], TxCodes.TxDecode, TxCodes.Codespace, "not a valid tx");

    [Fact]
    public void Unknown_field()
    {
        var chain = new TestChain(2);
        var bytes = chain.Send(0, chain.AddressOf(1), 1).ToByteArray();
        // Field 99, varint 1, appended: a valid protobuf with a field Tx does not have.
        var withUnknown = bytes.Concat(new byte[] { 0x98, 0x06, 0x01 }).ToArray();
        AssertRefused(chain, withUnknown, TxCodes.TxDecode, TxCodes.Codespace, "canonically");
    }

    [Fact]
    public void Unknown_field_inside_a_message()
    {
        var chain = new TestChain(2);
        var tx = chain.Send(0, chain.AddressOf(1), 1);
        tx.Body.Messages[0].Value = ByteString.CopyFrom(tx.Body.Messages[0].Value.Concat(new byte[] { 0x98, 0x06, 0x01 }).ToArray());
        AssertRefused(chain, tx.ToByteArray(), TxCodes.TxDecode, TxCodes.Codespace, "message 0");
    }

    [Fact]
    public void Unknown_message_type()
    {
        var chain = new TestChain(2);
        var tx = chain.Send(0, chain.AddressOf(1), 1);
        tx.Body.Messages[0].TypeUrl = "/chain.bank.v1.MsgBurn";
        AssertRefused(chain, tx.ToByteArray(), TxCodes.UnknownRequest, TxCodes.Codespace, "MsgBurn");
    }

    [Fact]
    public void Wrong_chain_id()
    {
        var chain = new TestChain(2);
        AssertRefused(chain, chain.Send(0, chain.AddressOf(1), 1, chainId: "other-chain").ToByteArray(), TxCodes.Unauthorized, TxCodes.Codespace, "chain id");
    }

    [Fact]
    public void Bad_signature()
    {
        var chain = new TestChain(2);
        var tx = chain.Send(0, chain.AddressOf(1), 1);
        var sig = tx.Signature.ToByteArray();
        sig[10] ^= 0x01;
        tx.Signature = ByteString.CopyFrom(sig);
        AssertRefused(chain, tx.ToByteArray(), TxCodes.Unauthorized, TxCodes.Codespace, "signature verification failed");
    }

    [Fact]
    public void High_s_signature()
    {
        var chain = new TestChain(2);
        var tx = chain.Send(0, chain.AddressOf(1), 1);
        var sig = tx.Signature.ToByteArray();
        var s = new BigInteger(sig.AsSpan(32), isUnsigned: true, isBigEndian: true);
        var high = (Order - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        Array.Clear(sig, 32, 32);
        high.CopyTo(sig, 64 - high.Length);
        tx.Signature = ByteString.CopyFrom(sig);
        AssertRefused(chain, tx.ToByteArray(), TxCodes.HighSSignature, TxCodes.Codespace, "high S");
    }

    [Fact]
    public void Signed_by_someone_else_than_the_sender()
    {
        var chain = new TestChain(2);
        var msg = new MsgSend { FromAddress = chain.AddressOf(1), ToAddress = chain.AddressOf(0), Amount = { new Coin { Denom = "uchn", Amount = 1 } } };
        var tx = TxFactory.Sign(chain.Keys[0], TestChain.ChainId, chain.AccountNumber(0), 0, TestChain.Fee(), [msg]);
        AssertRefused(chain, tx.ToByteArray(), TxCodes.Unauthorized, TxCodes.Codespace, "must be signed by");
    }

    [Fact]
    public void Wrong_sequence()
    {
        var chain = new TestChain(2);
        AssertRefused(chain, chain.Send(0, chain.AddressOf(1), 1, sequence: 5).ToByteArray(), TxCodes.InvalidSequence, TxCodes.Codespace, "expected 0, got 5");
    }

    [Fact]
    public void Replayed_tx()
    {
        var chain = new TestChain(2);
        var bytes = chain.Send(0, chain.AddressOf(1), 1).ToByteArray();
        Assert.Equal(0u, chain.Commit(bytes).Results[0].Code);
        AssertRefused(chain, bytes, TxCodes.InvalidSequence, TxCodes.Codespace, "expected 1, got 0");
    }

    [Fact]
    public void Insufficient_funds_for_the_fee()
    {
        var chain = new TestChain(2, balance: 1000);
        AssertRefused(chain, chain.Send(0, chain.AddressOf(1), 1).ToByteArray(), TxCodes.InsufficientFunds, TxCodes.Codespace, "cannot pay the fee");
    }

    [Fact]
    public void Fee_in_another_denomination()
    {
        var chain = new TestChain(2);
        var fee = new Fee { Amount = { new Coin { Denom = "uatom", Amount = 5 } }, GasLimit = 200_000 };
        AssertRefused(chain, chain.Send(0, chain.AddressOf(1), 1, fee).ToByteArray(), TxCodes.InsufficientFee, TxCodes.Codespace, "uatom");
    }

    [Fact]
    public void Oversized_tx()
    {
        var chain = new TestChain(2);
        var tx = chain.Send(0, chain.AddressOf(1), 1);
        tx.Body.Memo = new string('x', 200);
        var bytes = tx.ToByteArray().Concat(new byte[9000]).ToArray();
        AssertRefused(chain, bytes, TxCodes.TxTooLarge, TxCodes.Codespace, "limit");
    }

    [Fact]
    public void Zero_amount_and_bad_address()
    {
        var chain = new TestChain(2);
        AssertRefused(chain, chain.Send(0, chain.AddressOf(1), 0).ToByteArray(), BankErrors.InvalidCoins, BankErrors.Codespace, "positive");
        AssertRefused(chain, chain.Send(0, "chain1notanaddress", 5).ToByteArray(), BankErrors.InvalidAddress, BankErrors.Codespace, "to_address");
    }

    [Fact]
    public void Timed_out_tx()
    {
        var chain = new TestChain(2);
        chain.Commit();
        chain.Commit();
        var msg = new MsgSend { FromAddress = chain.AddressOf(0), ToAddress = chain.AddressOf(1), Amount = { new Coin { Denom = "uchn", Amount = 1 } } };
        var tx = TxFactory.Sign(chain.Keys[0], TestChain.ChainId, chain.AccountNumber(0), 0, TestChain.Fee(), [msg], timeoutHeight: 2);
        AssertRefused(chain, tx.ToByteArray(), TxCodes.TxTimeoutHeight, TxCodes.Codespace, "timed out");
    }

    [Fact]
    public void Random_bytes_only_ever_give_a_decode_result()
    {
        var chain = new TestChain(1);
        var decoder = chain.Processor.Decoder;
        var valid = chain.Send(0, chain.AddressOf(0), 1).ToByteArray();
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            var tx = decoder.Decode(bytes, out var error);
            Assert.True(tx is null ? error.Code != 0 : error.IsOk);
        }, iter: 20_000);

        // Mutations of a valid tx: flipped bytes, truncations.
        Gen.Int[0, valid.Length - 1].Select(Gen.Byte, Gen.Int[1, valid.Length]).Sample((pos, value, cut) =>
        {
            var mutated = (byte[])valid.Clone();
            mutated[pos] = value;
            decoder.Decode(mutated[..cut], out _);
        }, iter: 20_000);
    }
}
