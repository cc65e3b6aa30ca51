using Chain.Crypto;
using Chain.Node.P2p.Transport;
using Chain.Proto.P2p;

namespace Chain.Fuzz;

/// <summary>
/// What a dialled or dialling peer sends during the secret-connection handshake (its ephemeral key, then the sealed
/// authentication frame), fed to the real <see cref="SecretConnection.HandshakeAsync"/> over an in-memory transport
/// that discards what we send. <see cref="HandshakeException"/> is the documented refusal; the node's ephemeral key
/// is fresh each run, so the fuzzer cannot forge the frame's tag: this covers the key, length and cut-stream checks.
/// </summary>
public sealed class HandshakeTarget : IFuzzTarget
{
    private static readonly PrivateKey NodeKey = PrivateKey.FromBytes(Enumerable.Repeat((byte)9, 32).ToArray());
    private static readonly NodeInfo LocalInfo = new() { ProtocolVersion = 1, ChainId = TxTarget.ChainId, Moniker = "fuzz" };

    public string Name => "handshake";

    public void Run(ReadOnlySpan<byte> input)
    {
        var transport = new ScriptedTransport(input.ToArray());
        try
        {
            var connection = SecretConnection.HandshakeAsync(transport, NodeKey, LocalInfo, null, TimeSpan.FromMinutes(1), CancellationToken.None)
                .GetAwaiter().GetResult();
            connection.Dispose();
        }
        catch (HandshakeException)
        {
        }
    }

    public IEnumerable<(string Name, byte[] Bytes)> Seeds()
    {
        var remote = PrivateKey.FromBytes(Enumerable.Repeat((byte)11, 32).ToArray());
        var auth = new byte[FrameFormat.FrameSize(100)];
        using (var sealer = new FrameSealer(new byte[FrameFormat.KeySize]))
        {
            sealer.Seal(new byte[100], auth);
        }

        yield return ("ephemeral-key.bin", remote.PublicKey);
        yield return ("ephemeral-key-and-auth-frame.bin", [.. remote.PublicKey, .. auth]);
    }

    /// <summary>A transport whose reads return the peer's scripted bytes and whose writes go nowhere.</summary>
    private sealed class ScriptedTransport(byte[] fromPeer) : Stream
    {
        private readonly MemoryStream _input = new(fromPeer, writable: false);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
