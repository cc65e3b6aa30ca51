using System.Security.Cryptography;
using Chain.Crypto;
using NBitcoin;

namespace Chain.Client.Keys;

/// <summary>BIP-39 mnemonics (English) and BIP-32 derivation of a secp256k1 key from them, by NBitcoin.</summary>
public static class MnemonicKey
{
    /// <summary>Longest mnemonic text accepted: 24 English words are at most 24 * 8 letters and spaces.</summary>
    public const int MaxLength = 1024;

    /// <summary>A fresh 24-word mnemonic from 256 bits of the system's secure random generator.</summary>
    public static string NewMnemonic()
    {
        var entropy = RandomNumberGenerator.GetBytes(32);
        try
        {
            return new Mnemonic(Wordlist.English, entropy).ToString();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(entropy);
        }
    }

    /// <summary>The English mnemonic of <paramref name="entropy"/> (16 to 32 bytes, a multiple of 4).</summary>
    public static string FromEntropy(byte[] entropy) => new Mnemonic(Wordlist.English, entropy).ToString();

    /// <summary>The normalised mnemonic: 12, 15, 18, 21 or 24 English words with a valid checksum.</summary>
    public static Mnemonic Parse(string text)
    {
        if (text.Length > MaxLength)
        {
            throw new KeyringException($"the mnemonic is longer than {MaxLength} characters");
        }

        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length is not (12 or 15 or 18 or 21 or 24))
        {
            throw new KeyringException($"a mnemonic is 12, 15, 18, 21 or 24 words; got {words.Length}");
        }

        var unknown = words.FirstOrDefault(w => !Wordlist.English.WordExists(w.ToLowerInvariant(), out _));
        if (unknown is not null)
        {
            throw new KeyringException($"'{unknown}' is not a word of the BIP-39 English list");
        }

        Mnemonic mnemonic;
        try
        {
            mnemonic = new Mnemonic(string.Join(' ', words).ToLowerInvariant(), Wordlist.English);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException)
        {
            throw new KeyringException($"not a BIP-39 mnemonic: {e.Message}", e);
        }

        if (!mnemonic.IsValidChecksum)
        {
            throw new KeyringException("the mnemonic's checksum does not match: a word is wrong or out of order");
        }

        return mnemonic;
    }

    /// <summary>The BIP-39 seed (64 bytes) of <paramref name="mnemonic"/> with the optional BIP-39 passphrase.</summary>
    public static byte[] Seed(string mnemonic, string bip39Passphrase = "") => Parse(mnemonic).DeriveSeed(bip39Passphrase);

    /// <summary>The BIP-32 extended key at <paramref name="path"/> (null: the master key) below <paramref name="seed"/>.</summary>
    internal static ExtKey DeriveExtKey(byte[] seed, HdPath? path)
    {
        var master = ExtKey.CreateFromSeed(seed);
        return path is null ? master : master.Derive(path.KeyPath);
    }

    /// <summary>The key at <paramref name="path"/> from <paramref name="mnemonic"/>.</summary>
    public static PrivateKey Derive(string mnemonic, HdPath path, string bip39Passphrase = "")
    {
        var seed = Seed(mnemonic, bip39Passphrase);
        try
        {
            var secret = DeriveExtKey(seed, path).PrivateKey.ToBytes();
            try
            {
                return PrivateKey.FromBytes(secret);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(secret);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }
}
