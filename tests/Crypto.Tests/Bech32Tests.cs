using Chain.Crypto;

namespace Chain.Crypto.Tests;

public class Bech32Tests
{
    // BIP-173 valid checksums.
    [Theory]
    [InlineData("A12UEL5L")]
    [InlineData("a12uel5l")]
    [InlineData("an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs")]
    [InlineData("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw")]
        [InlineData("split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w")]
    [InlineData("?1ezyfcl")]
    [InlineData("11" + "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq" + "c8247j")]
    public void Bip173_valid_strings_decode_and_reencode(string text)
    {
        var (hrp, data) = Bech32.Decode(text);
        Assert.Equal(text.ToLowerInvariant(), Bech32.Encode(hrp, data));
    }

    // BIP-173 invalid strings, each for its own reason.
    [Theory]
    [InlineData("\u00201nwldj5")]
    [InlineData("\u007f1axkwrx")]
    [InlineData("\u00801eym55h")]
    [InlineData("an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx")]
    [InlineData("pzry9x0s0muk")]
    [InlineData("1pzry9x0s0muk")]
    [InlineData("x1b4n0q5v")]
    [InlineData("li1dgmt3")]
    [InlineData("de1lg7wt\u00ff")]
    [InlineData("A1G7SGD8")]
    [InlineData("10a06t8")]
    [InlineData("1qzzfhee")]
    public void Bip173_invalid_strings_are_rejected(string text)
    {
        Assert.Throws<FormatException>(() => Bech32.Decode(text));
    }

    [Fact]
    public void Address_round_trips_with_prefix()
    {
        var key = PrivateKey.Generate();
        var text = Address.ToBech32(key.Address);
        Assert.StartsWith("chain1", text);
        Assert.Equal(key.Address, Address.FromBech32(text));
        var ex = Assert.Throws<FormatException>(() => Address.FromBech32(text, Address.ValidatorOperatorPrefix));
        Assert.Contains("prefix", ex.Message);
    }

    [Fact]
    public void Random_strings_only_ever_raise_format_errors()
    {
        Gen.String[0, 100].Sample(s =>
        {
            try
            {
                Bech32.Decode(s);
            }
            catch (FormatException)
            {
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Any_data_that_fits_round_trips_and_any_one_changed_character_is_caught()
    {
        Gen.Select(Gen.Int[1, 20], Gen.Byte.Array[0, 38], Gen.Int[0, 1_000]).Sample((hrpLength, data, at) =>
        {
            var hrp = new string('a', hrpLength - 1) + "x";
            var text = Bech32.Encode(hrp, data);
            var (decodedHrp, decoded) = Bech32.Decode(text);
            Assert.Equal(hrp, decodedHrp);
            Assert.Equal(data, decoded);
            Assert.Equal(text, Bech32.Encode(hrp, decoded));
            Assert.Equal(decoded, Bech32.Decode(text.ToUpperInvariant()).Data);

            // BIP-173's checksum detects every single substitution in the data part.
            var position = hrp.Length + 1 + (at % (text.Length - hrp.Length - 1));
            var changed = text[position] == 'q' ? 'p' : 'q';
            var broken = text[..position] + changed + text[(position + 1)..];
            Assert.Throws<FormatException>(() => Bech32.Decode(broken));
        }, iter: 5_000);
    }

    [Fact]
    public void Remembered_addresses_come_back_as_copies_and_stay_right_past_the_cache_size()
    {
        var address = PrivateKey.Generate().Address;
        var text = Address.ToBech32(address);
        var first = Address.FromBech32(text);
        first[0] ^= 0xff; // a caller changing what it got must not change the next answer
        Assert.Equal(address, Address.FromBech32(text));
        Assert.Same(text, Address.ToBech32(address));

        // More distinct addresses than the caches hold: every answer is still the address's own, and a wrong prefix is
        // still refused for a text decoded before with the account prefix.
        for (var i = 0; i < Address.CacheSize + 100; i++)
        {
            var bytes = new byte[Address.Size];
            BitConverter.TryWriteBytes(bytes, i);
            var encoded = Address.ToBech32(bytes);
            Assert.Equal(Bech32.Encode(Address.AccountPrefix, bytes), encoded);
            Assert.Equal(bytes, Address.FromBech32(encoded));
        }

        Assert.Equal(address, Address.FromBech32(Address.ToBech32(address)));
        Assert.Throws<FormatException>(() => Address.FromBech32(text, Address.ValidatorOperatorPrefix));
    }
}
