using Chain.Node.P2p.Transport;

namespace Chain.Fuzz;

/// <summary>
/// The byte stream of an established secret connection, opened frame by frame as the connection reads it: a header
/// whose announced length <see cref="FrameFormat.TryReadBodyLength"/> checks, then the body, which
/// <see cref="FrameOpener.TryOpen(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/> authenticates under a fixed key.
/// A refused length, a cut frame or a frame that does not authenticate ends the stream (the connection closes);
/// neither call throws. The seeds are real frames sealed under the same key, so mutations start from frames that open.
/// </summary>
public sealed class FrameTarget : IFuzzTarget
{
    private static readonly byte[] Key = Enumerable.Repeat((byte)0x42, FrameFormat.KeySize).ToArray();

    private readonly byte[] _payload = new byte[FrameFormat.MaxPayloadSize];

    public string Name => "frame";

    public void Run(ReadOnlySpan<byte> input)
    {
        using var opener = new FrameOpener(Key);
        while (!input.IsEmpty)
        {
            if (input.Length < FrameFormat.HeaderSize || !FrameFormat.TryReadBodyLength(input, out var length))
            {
                return;
            }

            var header = input[..FrameFormat.HeaderSize];
            input = input[FrameFormat.HeaderSize..];
            if (input.Length < length || !opener.TryOpen(header, input[..length], _payload))
            {
                return;
            }

            input = input[length..];
        }
    }

    public IEnumerable<(string Name, byte[] Bytes)> Seeds()
    {
        yield return ("one-frame.bin", Sealed("hello from a peer"u8.ToArray()));
        yield return ("three-frames.bin", Sealed([1, 2, 3], [], new byte[300]));
    }

    private static byte[] Sealed(params byte[][] payloads)
    {
        using var sealer = new FrameSealer(Key);
        var output = new List<byte>();
        foreach (var payload in payloads)
        {
            var frame = new byte[FrameFormat.FrameSize(payload.Length)];
            sealer.Seal(payload, frame);
            output.AddRange(frame);
        }

        return [.. output];
    }
}
