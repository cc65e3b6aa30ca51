using Chain.Crypto;
using Chain.Proto.Bank;
using Chain.Proto.Types;
using Chain.State.Transactions;
using Google.Protobuf;

namespace Chain.Modules.Bank.Tests;

/// <summary>
/// docs/clients.md gives client writers a worked key and tx to check their code against; every value in it must be what
/// the node's own key derivation, encoder, signer and hash produce (RFC 6979 makes the signature reproducible).
/// </summary>
public class ClientDocVectorTests
{
    private const string PrivateKeyHex = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    private const string Recipient = "chain1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqxp55vg";

    [Fact]
    public void The_worked_example_in_the_client_docs_is_what_the_node_computes()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "clients.md"));
        var key = PrivateKey.FromBytes(Convert.FromHexString(PrivateKeyHex));
        Assert.Equal(new byte[20], Address.FromBech32(Recipient));

        var msg = new MsgSend { FromAddress = Address.ToBech32(key.Address), ToAddress = Recipient, Amount = { new Coin { Denom = "uchn", Amount = 1500 } } };
        var fee = new Fee { Amount = { new Coin { Denom = "uchn", Amount = 2000 } }, GasLimit = 200_000 };
        var tx = TxFactory.Sign(key, "chain-local", 7, 3, fee, [msg]);
        var signBytes = TxFactory.SignBytes("chain-local", 7, 3, fee, tx.Body);
        var bytes = tx.ToByteArray();

        AssertDocHas(doc, "private key", PrivateKeyHex);
        AssertDocHas(doc, "compressed public key", Hex(key.PublicKey));
        AssertDocHas(doc, "SHA-256 of the public key", Hex(Hashes.Sha256(key.PublicKey)));
        AssertDocHas(doc, "address", Hex(key.Address));
        AssertDocHas(doc, "bech32 address", Address.ToBech32(key.Address));
        AssertDocHas(doc, "MsgSend bytes", Hex(msg.ToByteArray()));
        AssertDocHas(doc, "sign bytes", Hex(signBytes));
        AssertDocHas(doc, "digest", Hex(Hashes.Sha256(signBytes)));
        AssertDocHas(doc, "signature", Hex(tx.Signature.ToByteArray()));
        AssertDocHas(doc, "tx bytes", Hex(bytes));
        AssertDocHas(doc, "tx hash", Convert.ToHexString(TxFactory.Hash(bytes)));
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static void AssertDocHas(string doc, string what, string value) =>
        Assert.True(doc.Contains($"`{value}`", StringComparison.Ordinal), $"docs/clients.md should show the {what} as `{value}`");

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Chain.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"no Chain.sln above {AppContext.BaseDirectory}");
    }
}
