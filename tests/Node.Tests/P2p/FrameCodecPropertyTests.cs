using System.Security.Cryptography;
using Chain.Node.P2p.Transport;

namespace Chain.Node.Tests.P2p;

/// <summary>Sealed frames open only unchanged, once, in order, and with the right key.</summary>
public sealed class FrameCodecPropertyTests
{
    private static readonly Gen<byte[]> Keys = Gen.Byte.Array[FrameFormat.KeySize];

    private static readonly Gen<byte[]> Payloads = Gen.Byte.Array[0, 2048];

    private static byte[] Seal(byte[] key, params byte[][] payloads)
    {
        using var sealer = new FrameSealer(key);
        byte[] last = [];
        foreach (var payload in payloads)
        {
            last = new byte[FrameFormat.FrameSize(payload.Length)];
            sealer.Seal(payload, last);
        }

        return last;
    }

    [Fact]
    public void A_sealed_frame_opens_to_its_payload() =>
        Gen.Select(Keys, Payloads).Sample((key, payload) =>
        {
            using var opener = new FrameOpener(key);
            Assert.True(opener.TryOpen(Seal(key, payload), out var opened));
            Assert.Equal(payload, opened);
        }, iter: 500);

    [Fact]
    public void Any_changed_byte_fails_authentication() =>
        Gen.Select(Keys, Payloads, Gen.Int[0, int.MaxValue], Gen.Byte[1, 255]).Sample((key, payload, at, xor) =>
        {
            var frame = Seal(key, payload);
            frame[at % frame.Length] ^= xor;
            using var opener = new FrameOpener(key);
            Assert.False(opener.TryOpen(frame, out _));
        }, iter: 2_000);

    [Fact]
    public void A_cut_or_extended_frame_fails() =>
        Gen.Select(Keys, Payloads, Gen.Int[1, 64], Gen.Bool).Sample((key, payload, n, cut) =>
        {
            var frame = Seal(key, payload);
            var changed = cut ? frame[..Math.Max(0, frame.Length - n)] : [.. frame, .. new byte[n]];
            using var opener = new FrameOpener(key);
            Assert.False(opener.TryOpen(changed, out _));
        }, iter: 1_000);

    [Fact]
    public void A_frame_does_not_open_under_another_key() =>
        Gen.Select(Keys, Keys, Payloads).Where((a, b, _) => !a.AsSpan().SequenceEqual(b)).Sample((key, other, payload) =>
        {
            using var opener = new FrameOpener(other);
            Assert.False(opener.TryOpen(Seal(key, payload), out _));
        }, iter: 500);

    [Fact]
    public void A_replayed_or_reordered_frame_fails() =>
        Gen.Select(Keys, Payloads, Payloads).Sample((key, first, second) =>
        {
            using var sealer = new FrameSealer(key);
            var frame1 = new byte[FrameFormat.FrameSize(first.Length)];
            var frame2 = new byte[FrameFormat.FrameSize(second.Length)];
            sealer.Seal(first, frame1);
            sealer.Seal(second, frame2);

            using var inOrder = new FrameOpener(key);
            Assert.True(inOrder.TryOpen(frame1, out _));
            Assert.False(inOrder.TryOpen(frame1, out _));
            Assert.True(inOrder.TryOpen(frame2, out var opened));
            Assert.Equal(second, opened);

            using var reordered = new FrameOpener(key);
            Assert.False(reordered.TryOpen(frame2, out _));
        }, iter: 500);

    [Fact]
    public void A_header_announcing_more_than_a_frame_holds_is_refused_before_reading()
    {
        var header = new byte[] { 0x7F, 0xFF, 0xFF, 0xFF };
        Assert.False(FrameFormat.TryReadBodyLength(header, out _));
        Assert.False(FrameFormat.TryReadBodyLength([0, 0, 0, 15], out _));
        Assert.True(FrameFormat.TryReadBodyLength([0, 0, 0, 16], out var length));
        Assert.Equal(16, length);
    }

    [Fact]
    public void Frames_are_not_plaintext()
    {
        var key = RandomNumberGenerator.GetBytes(FrameFormat.KeySize);
        var payload = new byte[256];
        var frame = Seal(key, payload);
        Assert.NotEqual(payload, frame[FrameFormat.HeaderSize..^FrameFormat.TagSize]);
    }
}
