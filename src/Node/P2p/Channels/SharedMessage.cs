using Chain.Proto.P2p;

namespace Chain.Node.P2p.Channels;

/// <summary>
/// A message sent to several peers, encoded once for all of them: a proposal carries its whole block, and encoding it
/// again for each peer made a large-object array per peer and per height.
/// </summary>
public sealed class SharedMessage(Envelope envelope)
{
    private byte[]? _delimited;

    public Envelope Envelope { get; } = envelope;

    /// <summary>The length-delimited encoding, made on first use (peers only queue it; nothing changes it).</summary>
    public byte[] Delimited => _delimited ??= DelimitedMessage.Encode(Envelope);
}
