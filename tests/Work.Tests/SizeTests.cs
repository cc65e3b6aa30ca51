using Chain.Modules.Work.Params;
using Chain.Proto.Work;
using Google.Protobuf;

namespace Chain.Modules.Work.Tests;

/// <summary>At the default params a challenge response fits the 1 MiB tx limit with room, for the largest lease the defaults size.</summary>
public sealed class SizeTests
{
    /// <summary>The encoded response opening <paramref name="samples"/> tiles of <paramref name="width"/> values among <paramref name="tileCount"/> tiles.</summary>
    public static int ResponseBytes(long tileCount, int width, int samples)
    {
        var depth = (int)Math.Ceiling(Math.Log2(tileCount));
        var msg = new MsgChallengeResponse { Provider = "chain1" + new string('q', 38), LeaseId = ulong.MaxValue, Round = uint.MaxValue };
        for (var j = 0; j < samples; j++)
        {
            var tile = new Tile { Index = (ulong)(tileCount - 1), Values = ByteString.CopyFrom(new byte[width * 4]) };
            tile.Path.AddRange(Enumerable.Range(0, depth).Select(_ => ByteString.CopyFrom(new byte[32])));
            msg.Tiles.Add(tile);
        }

        return msg.CalculateSize();
    }

    [Fact]
    public void A_response_at_the_defaults_takes_under_a_quarter_of_the_tx_limit()
    {
        var p = WorkParams.Default();
        var rows = 8L * p.ModelRows.Max(m => m.RowsPerGpu); // an eight-GPU lease of the largest model
        var tiles = rows * (p.N / p.TileWidth);
        var bytes = ResponseBytes(tiles, (int)p.TileWidth, (int)p.Samples);
        Assert.InRange(bytes, 200 * 1024, 1024 * 1024 / 4);
        Assert.True(bytes <= WorkParams.MaxResponseBytes);

        // One GPU: 2^24 tiles, 24 hashes a path.
        Assert.InRange(ResponseBytes(p.ModelRows.Max(m => m.RowsPerGpu) * (p.N / p.TileWidth), (int)p.TileWidth, (int)p.Samples), 200 * 1024, 240 * 1024);
    }
}
