using System.Security.Cryptography;
using Chain.Modules.Work.Keeper;
using Chain.Proto.Work;
using static Chain.Modules.Work.Tests.WorkChain;

namespace Chain.Modules.Work.Tests;

/// <summary>
/// A receipt with a fraction f of wrong tiles escapes a challenge of s tiles with probability (1 - f)^s. The draw is
/// the chain's own (<see cref="WorkDraws.ChallengeTiles"/>) over fresh receipt and block hashes from a fixed seed, so
/// the test is repeatable; bounds are five standard deviations of the binomial count.
/// </summary>
public sealed class DetectionTests
{
    [Theory]
    [InlineData(0.01, 64)]
    [InlineData(0.05, 16)]
    [InlineData(0.10, 8)]
    [InlineData(0.02, 32)]
    public void Wrong_tiles_are_caught_at_the_rate_one_minus_one_minus_f_to_the_s(double f, int s)
    {
        const ulong tiles = 4096;
        const int trials = 4000;
        var wrongCount = (int)(f * tiles);
        var random = new Random(12345);
        var caught = 0;
        for (var trial = 0; trial < trials; trial++)
        {
            // A faker picks which tiles to fake before the challenge exists.
            var wrong = new HashSet<ulong>();
            while (wrong.Count < wrongCount)
            {
                wrong.Add((ulong)random.NextInt64((long)tiles));
            }

            var receiptHash = new byte[32];
            var blockHash = new byte[32];
            random.NextBytes(receiptHash);
            random.NextBytes(blockHash);
            if (WorkDraws.ChallengeTiles(receiptHash, blockHash, tiles, s).Any(wrong.Contains))
            {
                caught++;
            }
        }

        var p = 1 - Math.Pow(1 - ((double)wrongCount / tiles), s);
        var sigma = Math.Sqrt(trials * p * (1 - p));
        Assert.InRange(caught, (trials * p) - (5 * sigma), (trials * p) + (5 * sigma));
    }

    [Fact]
    public void Draws_are_uniform_over_the_tiles()
    {
        const ulong tiles = 10;
        var counts = new int[tiles];
        var hash = new byte[32];
        for (var i = 0; i < 2000; i++)
        {
            foreach (var t in WorkDraws.ChallengeTiles(SHA256.HashData(BitConverter.GetBytes(i)), hash, tiles, 10))
            {
                counts[t]++;
            }
        }

        // 20,000 draws over 10 tiles: 2,000 expected each, sigma ~42.
        Assert.All(counts, c => Assert.InRange(c, 2000 - 250, 2000 + 250));
    }

    [Fact]
    public void On_chain_a_receipt_with_a_quarter_of_its_tiles_faked_is_caught_as_often_as_the_formula_says()
    {
        // s = 8, f = 1/4: caught with probability 1 - 0.75^8 = 0.90. Twelve leases, each with its own seed and challenge.
        var caught = 0;
        const int trials = 12;
        for (var trial = 0; trial < trials; trial++)
        {
            using var chain = new WorkChain(seed: 100 + trial);
            var lease = chain.OpenLease();
            Func<long, byte[], byte[]> fake = (t, b) => t % 4 == 0 ? ReceiptTests.Flip(b) : b;
            var (msg, leaves) = chain.HonestReceipt(lease, tamper: fake);
            chain.Ok(ProviderKey, msg);
            chain.CommitUntil(chain.Height + chain.Params.ChallengeDelay + 1);
            chain.Ok(ProviderKey, chain.Response(chain.Receipt(lease, 1)!, leaves, fake));
            var status = chain.Receipt(lease, 1)!.Status;
            Assert.True(status is ReceiptStatus.Failed or ReceiptStatus.Verified);
            caught += status == ReceiptStatus.Failed ? 1 : 0;
        }

        // P(caught <= 6 of 12 | p = 0.9) < 0.5%.
        Assert.InRange(caught, 7, trials);
    }
}
