using Chain.Proto.Types;
using Chain.State.Transactions;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Chain.State.Tests.Transactions;

/// <summary>
/// The walk that explains refused tx bytes must never blame a canonical encoding, must find every truncation the parser
/// refuses, and must name the field of each kind of non-canonical encoding.
/// </summary>
public class WireFormatDiagnosisTests
{
    /// <summary>Fixed, so a failure replays; the property holds for any seed.</summary>
    private static readonly string Seed = new PCG(20261126, 7).ToString();

    private static readonly Gen<string> Text = Gen.String[Gen.Char[" abcz~é€"], 0, 12];

    private static readonly Gen<ByteString> Bytes = Gen.Byte.Array[0, 40].Select(b => ByteString.CopyFrom(b));

    private static readonly Gen<Coin> CoinGen = Gen.Select(Text, Gen.ULong[0, ulong.MaxValue], (d, a) => new Coin { Denom = d, Amount = a });

    private static readonly Gen<Tx> TxGen =
        from messages in Gen.Select(Text, Bytes, (t, v) => new Any { TypeUrl = t, Value = v }).Array[0, 3]
        from memo in Text
        from timeout in Gen.OneOf(Gen.Const(0UL), Gen.ULong)
        from key in Bytes
        from sequence in Gen.OneOf(Gen.Const(0UL), Gen.ULong[0, 1000])
        from coins in CoinGen.Array[0, 2]
        from gas in Gen.ULong
        from withAuth in Gen.Bool
        from signature in Bytes
        select Build(messages, memo, timeout, key, sequence, coins, gas, withAuth, signature);

    private static Tx Build(Any[] messages, string memo, ulong timeout, ByteString key, ulong sequence, Coin[] coins, ulong gas, bool withAuth, ByteString signature)
    {
        var tx = new Tx { Body = new TxBody { Memo = memo, TimeoutHeight = timeout }, Signature = signature };
        tx.Body.Messages.AddRange(messages);
        if (withAuth)
        {
            tx.AuthInfo = new AuthInfo { Signer = new SignerInfo { PublicKey = key, Sequence = sequence }, Fee = new Fee { GasLimit = gas } };
            tx.AuthInfo.Fee.Amount.AddRange(coins);
        }

        return tx;
    }

    [Fact]
    public void A_canonical_encoding_is_never_blamed() =>
        TxGen.Sample(tx =>
        {
            var problems = WireFormatDiagnosis.Diagnose(tx.ToByteArray(), Tx.Descriptor);
            Assert.True(problems.Malformed is null && problems.NonCanonical is null, $"{problems} for {tx}");
        }, seed: Seed, iter: 3_000, threads: 1);

    [Fact]
    public void Every_truncation_the_parser_refuses_is_explained() =>
        TxGen.Where(tx => tx.CalculateSize() > 1).Select(tx => tx.ToByteArray()).SelectMany(b => Gen.Int[1, b.Length - 1].Select(n => b[..n])).Sample(cut =>
        {
            try
            {
                Tx.Parser.ParseFrom(cut);
            }
            catch (InvalidProtocolBufferException)
            {
                Assert.NotNull(WireFormatDiagnosis.Diagnose(cut, Tx.Descriptor).Malformed);
            }
        }, seed: Seed, iter: 3_000, threads: 1);

    [Fact]
    public void An_unknown_field_is_named_by_number_and_message()
    {
        var body = new TxBody { Memo = "m" }.ToByteArray().Concat(new byte[] { 0x98, 0x06, 0x01 }).ToArray();

        var problems = WireFormatDiagnosis.Diagnose(body, TxBody.Descriptor);

        Assert.Null(problems.Malformed);
        Assert.Contains("chain.types.v1.TxBody has no field number 99", problems.NonCanonical, StringComparison.Ordinal);
    }

    [Fact]
    public void A_singular_field_written_twice_is_named()
    {
        var problems = WireFormatDiagnosis.Diagnose(new byte[] { 0x12, 0x01, 0x61, 0x12, 0x01, 0x62 }, TxBody.Descriptor);

        Assert.Contains("memo (field 2) appears more than once", problems.NonCanonical, StringComparison.Ordinal);
    }

    [Fact]
    public void A_padded_varint_is_named()
    {
        // fee.gas_limit = 5 written in two bytes.
        var problems = WireFormatDiagnosis.Diagnose(new byte[] { 0x10, 0x85, 0x00 }, Fee.Descriptor);

        Assert.Contains("gas_limit: varint is not in its shortest form", problems.NonCanonical, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_wire_type_is_malformed_and_names_the_field()
    {
        // auth_info.fee (field 2, a message) written as a varint.
        var problems = WireFormatDiagnosis.Diagnose(new byte[] { 0x10, 0x05 }, AuthInfo.Descriptor);

        Assert.Equal("fee (message) has wire type 0, expected 2", problems.Malformed);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_malformed_without_recursing_further()
    {
        // DescriptorProto.nested_type (field 3) holds a DescriptorProto: 150 levels of it.
        var inner = Array.Empty<byte>();
        for (var i = 0; i < 150; i++)
        {
            inner = [0x1a, .. Varint(inner.Length), .. inner];
        }

        var problems = WireFormatDiagnosis.Diagnose(inner, Google.Protobuf.Reflection.DescriptorProto.Descriptor);

        Assert.Contains($"nested deeper than {WireFormatDiagnosis.MaxDepth}", problems.Malformed, StringComparison.Ordinal);
    }

    private static byte[] Varint(int value)
    {
        var output = new List<byte>();
        var v = (uint)value;
        while (v >= 0x80)
        {
            output.Add((byte)(v | 0x80));
            v >>= 7;
        }

        output.Add((byte)v);
        return [.. output];
    }
}
