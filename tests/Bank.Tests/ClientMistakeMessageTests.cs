using Chain.Crypto;
using Chain.Proto.Bank;
using Chain.Proto.Types;
using Chain.State.Modules;
using Chain.State.Store;
using Chain.State.Transactions;
using Google.Protobuf;

namespace Chain.Modules.Bank.Tests;

/// <summary>
/// The mistakes client writers make (docs/clients.md), each built on purpose: the tx is refused with the same code as
/// before, and the log names the real cause, both at admission (decode and CheckTx's ante) and in a block.
/// </summary>
public class ClientMistakeMessageTests
{
    /// <summary>Refused at admission and in a block with <paramref name="code"/>, changing nothing; returns the block's log.</summary>
    private static string AssertRefused(TestChain chain, byte[] txBytes, uint code, params string[] logContains)
    {
        var checkLog = AdmissionLog(chain, txBytes, code);
        var before = chain.StateDump();
        var result = chain.Commit(txBytes).Results[0];
        Assert.True(code == result.Code, $"expected code {code} in the block, got {result.Code}: {result.Log}");
        Assert.Equal(TxCodes.Codespace, result.Codespace);
        Assert.Equal(before, chain.StateDump());
        Assert.Equal(checkLog, result.Log);
        foreach (var part in logContains)
        {
            Assert.Contains(part, result.Log, StringComparison.Ordinal);
        }

        return result.Log;
    }

    private static string AdmissionLog(TestChain chain, byte[] txBytes, uint code)
    {
        var tx = chain.Processor.Decoder.Decode(txBytes, out var error);
        if (tx is null)
        {
            Assert.True(code == error.Code, $"expected code {code} at decode, got {error.Code}: {error.Log}");
            return error.Log;
        }

        var state = new CacheState(chain.Executor.Committed);
        var next = new BlockInfo(TestChain.ChainId, chain.Executor.LastHeight + 1, 0, []);
        var check = chain.Processor.Check(state, tx, next, 0m);
        Assert.True(code == check.Code, $"expected code {code} at CheckTx, got {check.Code}: {check.Log}");
        return check.Log;
    }

    private static MsgSend Send(TestChain chain, int from, int to, ulong amount = 1) =>
        new() { FromAddress = chain.AddressOf(from), ToAddress = chain.AddressOf(to), Amount = { new Coin { Denom = "uchn", Amount = amount } } };

    /// <summary>A tx like <see cref="TxFactory.Sign"/> makes, but with the signature <paramref name="sign"/> computes from the sign bytes.</summary>
    private static Tx SignedWith(TestChain chain, int from, Func<byte[], byte[]> sign, ulong? accountNumber = null, string chainId = TestChain.ChainId)
    {
        var good = TxFactory.Sign(chain.Keys[from], chainId, accountNumber ?? chain.AccountNumber(from), 0, TestChain.Fee(), [Send(chain, from, 1 - from)]);
        var signBytes = TxFactory.SignBytes(chainId, accountNumber ?? chain.AccountNumber(from), 0, good.AuthInfo.Fee, good.Body);
        good.Signature = ByteString.CopyFrom(sign(signBytes));
        return good;
    }

    [Fact]
    public void A_signature_over_a_double_hash_is_recognised()
    {
        var chain = new TestChain(2);
        var tx = SignedWith(chain, 0, bytes => chain.Keys[0].Sign(Hashes.Sha256(Hashes.Sha256(bytes))));

        AssertRefused(chain, tx.ToByteArray(), TxCodes.Unauthorized, "double hash", "sign SHA-256 of the sign bytes once");
    }

    [Fact]
    public void A_wrong_chain_id_names_the_expected_one()
    {
        var chain = new TestChain(2);
        var tx = chain.Send(0, chain.AddressOf(1), 1, chainId: "other-chain");

        var log = AssertRefused(chain, tx.ToByteArray(), TxCodes.Unauthorized, "signature does not verify", $"chain_id '{TestChain.ChainId}'", "docs/clients.md#sign-bytes");
        Assert.DoesNotContain("double hash", log, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_account_number_names_the_expected_one()
    {
        var chain = new TestChain(2);
        var tx = SignedWith(chain, 0, b => chain.Keys[0].SignMessage(b), accountNumber: chain.AccountNumber(0) + 17);

        AssertRefused(chain, tx.ToByteArray(), TxCodes.Unauthorized, "signature does not verify", $"account_number {chain.AccountNumber(0)}, sequence 0");
    }

    [Fact]
    public void Signing_with_account_number_0_is_recognised()
    {
        var chain = new TestChain(3);
        var number = chain.AccountNumber(2);
        Assert.NotEqual(0UL, number);
        var tx = TxFactory.Sign(chain.Keys[2], TestChain.ChainId, 0, 0, TestChain.Fee(), [Send(chain, 2, 1)]);

        AssertRefused(chain, tx.ToByteArray(), TxCodes.Unauthorized, "signed with account_number 0", $"is {number}");
    }

    [Fact]
    public void A_wrong_sequence_names_the_expected_one()
    {
        var chain = new TestChain(2);
        AssertRefused(chain, chain.Send(0, chain.AddressOf(1), 1, sequence: 3).ToByteArray(), TxCodes.InvalidSequence, "expected 0, got 3");
    }

    [Fact]
    public void A_signature_by_another_key_does_not_verify()
    {
        var chain = new TestChain(2);
        var tx = SignedWith(chain, 0, b => chain.Keys[1].SignMessage(b));

        var log = AssertRefused(chain, tx.ToByteArray(), TxCodes.Unauthorized, "signature does not verify for auth_info.signer.public_key");
        Assert.DoesNotContain("double hash", log, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_whose_address_is_not_the_messages_signer_is_named()
    {
        var chain = new TestChain(2);
        var tx = TxFactory.Sign(chain.Keys[0], TestChain.ChainId, chain.AccountNumber(0), 0, TestChain.Fee(), [Send(chain, 1, 0)]);

        AssertRefused(chain, tx.ToByteArray(), TxCodes.Unauthorized,
            $"must be signed by {chain.AddressOf(1)}", $"auth_info.signer.public_key is the key of {chain.AddressOf(0)}");
    }

    [Fact]
    public void Truncated_bytes_name_the_field_that_runs_past_the_end()
    {
        var chain = new TestChain(2);
        var bytes = chain.Send(0, chain.AddressOf(1), 1).ToByteArray();

        var log = AssertRefused(chain, bytes[..^10], TxCodes.TxDecode, "tx bytes are not a valid Tx: signature: length 64", "runs past the end");
        Assert.DoesNotContain("Protocol message", log, StringComparison.Ordinal);
    }

    [Fact]
    public void A_memo_that_is_not_utf8_is_named()
    {
        var chain = new TestChain(2);
        var tx = chain.Send(0, chain.AddressOf(1), 1);
        tx.Body.Memo = "~~~~";
        var bytes = tx.ToByteArray();
        var at = bytes.AsSpan().IndexOf("~~~~"u8);
        bytes[at] = 0xff;

        AssertRefused(chain, bytes, TxCodes.TxDecode, "body.memo: string is not valid UTF-8");
    }

    [Fact]
    public void A_field_at_its_default_value_is_named()
    {
        var chain = new TestChain(2);
        var tx = chain.Send(0, chain.AddressOf(1), 1);
        // body.timeout_height = 0 written out (field 3, varint 0), as protobufjs does for a field set to 0.
        var body = tx.Body.ToByteArray().Concat(new byte[] { 0x18, 0x00 }).ToArray();

        AssertRefused(chain, Encode(tx, body), TxCodes.TxDecode,
            "tx is not canonically encoded: body.timeout_height is written at its default value (0)", "docs/clients.md#canonical-encoding");
    }

    [Fact]
    public void Fields_out_of_order_are_named()
    {
        var chain = new TestChain(2);
        var tx = chain.Send(0, chain.AddressOf(1), 1);
        var output = new MemoryStream();
        using (var coded = new CodedOutputStream(output))
        {
            coded.WriteTag(2, WireFormat.WireType.LengthDelimited);
            coded.WriteMessage(tx.AuthInfo);
            coded.WriteTag(1, WireFormat.WireType.LengthDelimited);
            coded.WriteMessage(tx.Body);
            coded.WriteTag(3, WireFormat.WireType.LengthDelimited);
            coded.WriteBytes(tx.Signature);
        }

        AssertRefused(chain, output.ToArray(), TxCodes.TxDecode, "body (field 1) comes after field 2");
    }

    [Fact]
    public void A_default_value_inside_a_message_is_named()
    {
        var chain = new TestChain(2);
        var tx = chain.Send(0, chain.AddressOf(1), 1);
        var msg = MsgSend.Parser.ParseFrom(tx.Body.Messages[0].Value);
        // amount[0] = Coin { denom: "" written out, amount: 5 }
        var value = new MsgSend { FromAddress = msg.FromAddress, ToAddress = msg.ToAddress }.ToByteArray()
            .Concat(new byte[] { 0x1a, 0x04, 0x0a, 0x00, 0x10, 0x05 }).ToArray();
        tx.Body.Messages[0].Value = ByteString.CopyFrom(value);

        AssertRefused(chain, tx.ToByteArray(), TxCodes.TxDecode,
            "message 0 (/chain.bank.v1.MsgSend) is not canonically encoded: amount[0].denom is written at its default value");
    }

    [Fact]
    public void A_missing_part_of_the_tx_is_named()
    {
        var chain = new TestChain(2);
        var tx = chain.Send(0, chain.AddressOf(1), 1);
        tx.AuthInfo.Fee = null;

        AssertRefused(chain, tx.ToByteArray(), TxCodes.TxDecode, "tx has no auth_info.fee");
    }

    /// <summary>A Tx written field by field, with <paramref name="body"/> as the body's bytes.</summary>
    private static byte[] Encode(Tx tx, byte[] body)
    {
        var output = new MemoryStream();
        using (var coded = new CodedOutputStream(output))
        {
            coded.WriteTag(1, WireFormat.WireType.LengthDelimited);
            coded.WriteBytes(ByteString.CopyFrom(body));
            coded.WriteTag(2, WireFormat.WireType.LengthDelimited);
            coded.WriteMessage(tx.AuthInfo);
            coded.WriteTag(3, WireFormat.WireType.LengthDelimited);
            coded.WriteBytes(tx.Signature);
        }

        return output.ToArray();
    }
}
