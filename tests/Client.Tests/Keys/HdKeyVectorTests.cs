using System.Text.Json;
using Chain.Client.Keys;
using Chain.Crypto;
using NBitcoin;

namespace Chain.Client.Tests.Keys;

/// <summary>Mnemonics and derivation against published vectors: BIP-39 (Trezor), BIP-32 (vectors 1 and 2), Cosmos.</summary>
public sealed class HdKeyVectorTests
{
    public static TheoryData<string, string, string, string> Bip39Vectors()
    {
        using var stream = typeof(HdKeyVectorTests).Assembly.GetManifestResourceStream("bip39-trezor-english.json")
            ?? throw new InvalidOperationException("bip39-trezor-english.json is not embedded");
        using var json = JsonDocument.Parse(stream);
        var data = new TheoryData<string, string, string, string>();
        foreach (var vector in json.RootElement.GetProperty("english").EnumerateArray())
        {
            data.Add(vector[0].GetString()!, vector[1].GetString()!, vector[2].GetString()!, vector[3].GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Bip39Vectors))]
    public void Bip39_entropy_gives_the_mnemonic_and_the_seed_and_master_key_of_the_trezor_vectors(string entropy, string mnemonic, string seed, string xprv)
    {
        Assert.Equal(mnemonic, MnemonicKey.FromEntropy(Convert.FromHexString(entropy)));
        var derived = MnemonicKey.Seed(mnemonic, "TREZOR");
        Assert.Equal(seed, Convert.ToHexStringLower(derived));
        Assert.Equal(xprv, MnemonicKey.DeriveExtKey(derived, null).ToString(Network.Main));
    }

    [Fact]
    public void The_trezor_vectors_are_all_there()
    {
        Assert.Equal(24, Bip39Vectors().Count);
    }

    // BIP-32, https://github.com/bitcoin/bips/blob/master/bip-0032.mediawiki, test vectors 1 and 2.
    [Theory]
    [InlineData("000102030405060708090a0b0c0d0e0f", null, "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi")]
    [InlineData("000102030405060708090a0b0c0d0e0f", "m/0'", "xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8Br5ngLNv1TxvUxt4cV1rGL5hj6KCesnDYUhd7oWgT11eZG7XnxHrnYeSvkzY7d2bhkJ7")]
    [InlineData("000102030405060708090a0b0c0d0e0f", "m/0'/1", "xprv9wTYmMFdV23N2TdNG573QoEsfRrWKQgWeibmLntzniatZvR9BmLnvSxqu53Kw1UmYPxLgboyZQaXwTCg8MSY3H2EU4pWcQDnRnrVA1xe8fs")]
    [InlineData("000102030405060708090a0b0c0d0e0f", "m/0'/1/2'", "xprv9z4pot5VBttmtdRTWfWQmoH1taj2axGVzFqSb8C9xaxKymcFzXBDptWmT7FwuEzG3ryjH4ktypQSAewRiNMjANTtpgP4mLTj34bhnZX7UiM")]
    [InlineData("000102030405060708090a0b0c0d0e0f", "m/0'/1/2'/2", "xprvA2JDeKCSNNZky6uBCviVfJSKyQ1mDYahRjijr5idH2WwLsEd4Hsb2Tyh8RfQMuPh7f7RtyzTtdrbdqqsunu5Mm3wDvUAKRHSC34sJ7in334")]
    [InlineData("000102030405060708090a0b0c0d0e0f", "m/0'/1/2'/2/1000000000", "xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6mV6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie1rFSruoUihUZREPSL39UNdE3BBDu76")]
    [InlineData(Vector2Seed, null, "xprv9s21ZrQH143K31xYSDQpPDxsXRTUcvj2iNHm5NUtrGiGG5e2DtALGdso3pGz6ssrdK4PFmM8NSpSBHNqPqm55Qn3LqFtT2emdEXVYsCzC2U")]
    [InlineData(Vector2Seed, "m/0", "xprv9vHkqa6EV4sPZHYqZznhT2NPtPCjKuDKGY38FBWLvgaDx45zo9WQRUT3dKYnjwih2yJD9mkrocEZXo1ex8G81dwSM1fwqWpWkeS3v86pgKt")]
    [InlineData(Vector2Seed, "m/0/2147483647'", "xprv9wSp6B7kry3Vj9m1zSnLvN3xH8RdsPP1Mh7fAaR7aRLcQMKTR2vidYEeEg2mUCTAwCd6vnxVrcjfy2kRgVsFawNzmjuHc2YmYRmagcEPdU9")]
    [InlineData(Vector2Seed, "m/0/2147483647'/1", "xprv9zFnWC6h2cLgpmSA46vutJzBcfJ8yaJGg8cX1e5StJh45BBciYTRXSd25UEPVuesF9yog62tGAQtHjXajPPdbRCHuWS6T8XA2ECKADdw4Ef")]
    [InlineData(Vector2Seed, "m/0/2147483647'/1/2147483646'", "xprvA1RpRA33e1JQ7ifknakTFpgNXPmW2YvmhqLQYMmrj4xJXXWYpDPS3xz7iAxn8L39njGVyuoseXzU6rcxFLJ8HFsTjSyQbLYnMpCqE2VbFWc")]
    [InlineData(Vector2Seed, "m/0/2147483647'/1/2147483646'/2", "xprvA2nrNbFZABcdryreWet9Ea4LvTJcGsqrMzxHx98MMrotbir7yrKCEXw7nadnHM8Dq38EGfSh6dqA9QWTyefMLEcBYJUuekgW4BYPJcr9E7j")]
    public void Bip32_derivation_gives_the_published_extended_private_keys(string seed, string? path, string xprv)
    {
        var key = MnemonicKey.DeriveExtKey(Convert.FromHexString(seed), path is null ? null : HdPath.Parse(path));

        Assert.Equal(xprv, key.ToString(Network.Main));
    }

    private const string Vector2Seed =
        "fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542";

    [Fact]
    public void The_cosmos_hd_path_gives_the_cosmos_sdk_vector_key()
    {
        // cosmos-sdk crypto/hd/hdpath_test.go, ExampleSomeBIP32TestVecs: the fundraiser vector on m/44'/118'/0'/0/0.
        const string mnemonic = "barrel original fuel morning among eternal filter ball stove pluck matrix mechanic";

        var key = MnemonicKey.Derive(mnemonic, HdPath.Default);

        Assert.Equal("m/44'/118'/0'/0/0", HdPath.Default.ToString());
        Assert.Equal("bfcb217c058d8bbafd5e186eae936106ca3e943889b0b4a093ae13822fd3170c", Convert.ToHexStringLower(key.ToBytes()));
        // Two implementations agree on the public key: libsecp256k1 (the chain's) and NBitcoin's managed secp256k1.
        var independent = new NBitcoin.Key(key.ToBytes()).PubKey.ToBytes();
        Assert.Equal(Convert.ToHexStringLower(independent), Convert.ToHexStringLower(key.PublicKey));
        // On this chain the address is bech32 of SHA-256(compressed public key)[..20], not the Cosmos hub's RIPEMD-160.
        Assert.Equal(Address.ToBech32(System.Security.Cryptography.SHA256.HashData(independent)[..20]), Address.ToBech32(key.Address));
    }

    [Fact]
    public void Account_and_index_choose_the_last_indices_of_the_cosmos_path()
    {
        Assert.Equal("m/44'/118'/3'/0/7", HdPath.Bip44(3, 7).ToString());
        Assert.NotEqual(
            MnemonicKey.Derive(MnemonicKey.FromEntropy(new byte[32]), HdPath.Bip44(0, 0)).ToBytes(),
            MnemonicKey.Derive(MnemonicKey.FromEntropy(new byte[32]), HdPath.Bip44(0, 1)).ToBytes());
    }

    [Theory]
    [InlineData("44'/118'/0'/0/0")]
    [InlineData("m/")]
    [InlineData("m/44'/x/0")]
    [InlineData("m/2147483648")]
    [InlineData("m/-1")]
    public void A_bad_hd_path_is_refused(string path)
    {
        var e = Assert.Throws<KeyringException>(() => HdPath.Parse(path));
        Assert.Contains("invalid HD path", e.Message);
    }

    [Theory]
    [InlineData("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon", "checksum")]
    [InlineData("abandon abandon abandon", "12, 15, 18, 21 or 24 words")]
    [InlineData("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon zzzz", "'zzzz' is not a word")]
    public void A_bad_mnemonic_is_refused(string mnemonic, string why)
    {
        var e = Assert.Throws<KeyringException>(() => MnemonicKey.Derive(mnemonic, HdPath.Default));
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void A_new_mnemonic_has_24_valid_words()
    {
        var mnemonic = MnemonicKey.NewMnemonic();

        Assert.Equal(24, mnemonic.Split(' ').Length);
        Assert.True(MnemonicKey.Parse(mnemonic).IsValidChecksum);
    }
}
