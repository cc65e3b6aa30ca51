using System.Buffers;
using System.IO.Pipelines;
using Chain.Node.P2p.Channels;
using Chain.Proto.P2p;
using Google.Protobuf;

namespace Chain.Node.Tests.P2p;

public sealed class DelimitedMessageTests
{
    private static async Task<List<(DelimitedReadStatus Status, byte[] Message)>> ReadAllAsync(byte[] bytes, int maxBytes)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(bytes);
        await pipe.Writer.CompleteAsync();
        var results = new List<(DelimitedReadStatus, byte[])>();
        while (true)
        {
            var (status, message, _) = await DelimitedMessage.ReadAsync(pipe.Reader, maxBytes, default);
            results.Add((status, message));
            if (status != DelimitedReadStatus.Message)
            {
                return results;
            }
        }
    }

    [Fact]
    public void Envelopes_read_back_in_order_however_the_bytes_are_split() =>
        Gen.Select(Gen.Byte.Array[0, 300].Array[1, 5], Gen.Int[1, 50]).Sample((txs, chunk) =>
        {
            var envelopes = txs.Select(t => new Envelope { Txs = new TxBatch { Txs = { ByteString.CopyFrom(t) } } }).ToArray();
            var bytes = envelopes.SelectMany(DelimitedMessage.Encode).ToArray();
            var pipe = new Pipe();
            var writer = Task.Run(async () =>
            {
                for (var i = 0; i < bytes.Length; i += chunk)
                {
                    await pipe.Writer.WriteAsync(bytes.AsMemory(i, Math.Min(chunk, bytes.Length - i)));
                }

                await pipe.Writer.CompleteAsync();
            });

            foreach (var expected in envelopes)
            {
                var (status, message, _) = DelimitedMessage.ReadAsync(pipe.Reader, 1024, default).AsTask().GetAwaiter().GetResult();
                Assert.Equal(DelimitedReadStatus.Message, status);
                Assert.Equal(expected, Envelope.Parser.ParseFrom(message));
            }

            Assert.Equal(DelimitedReadStatus.End, DelimitedMessage.ReadAsync(pipe.Reader, 1024, default).AsTask().GetAwaiter().GetResult().Status);
            writer.GetAwaiter().GetResult();
        }, iter: 300);

    [Fact]
    public void Pooled_reads_give_the_same_messages_and_give_every_array_back() =>
        Gen.Select(Gen.Int[0, 5 * DelimitedMessage.FirstChunkSize], Gen.Int[1, 70_000], Gen.Bool).Sample((size, chunk, cut) =>
        {
            var tx = new byte[size];
            Random.Shared.NextBytes(tx);
            var envelope = new Envelope { Txs = new TxBatch { Txs = { ByteString.CopyFrom(tx) } } };
            var bytes = DelimitedMessage.Encode(envelope);
            var sent = cut ? bytes.AsSpan(0, bytes.Length - 1).ToArray() : bytes;
            var pool = new CountingPool();
            var pipe = new Pipe();
            var writer = Task.Run(async () =>
            {
                for (var i = 0; i < sent.Length; i += chunk)
                {
                    await pipe.Writer.WriteAsync(sent.AsMemory(i, Math.Min(chunk, sent.Length - i)));
                }

                await pipe.Writer.CompleteAsync();
            });

            var (status, message, length) = DelimitedMessage.ReadAsync(pipe.Reader, 1 << 20, default, pool).AsTask().GetAwaiter().GetResult();
            writer.GetAwaiter().GetResult();
            if (cut)
            {
                // A message cut short gives its array back before the status comes.
                Assert.Equal(DelimitedReadStatus.Malformed, status);
                Assert.Equal(0, pool.Outstanding);
                return;
            }

            Assert.Equal(DelimitedReadStatus.Message, status);
            Assert.Equal(envelope, Envelope.Parser.ParseFrom(new ReadOnlySpan<byte>(message, 0, length)));
            Assert.Equal(1, pool.Outstanding);
            pool.Return(message);
            Assert.Equal(0, pool.Outstanding);
        }, iter: 60);

    /// <summary>Rents from the shared pool and counts the arrays not given back.</summary>
    private sealed class CountingPool : ArrayPool<byte>
    {
        public int Outstanding { get; private set; }

        public override byte[] Rent(int minimumLength)
        {
            Outstanding++;
            return Shared.Rent(minimumLength);
        }

        public override void Return(byte[] array, bool clearArray = false)
        {
            Outstanding--;
            Shared.Return(array, clearArray);
        }
    }

    [Fact]
    public void Any_bytes_give_messages_within_the_limit_then_a_status_never_an_exception() =>
        Gen.Select(Gen.Byte.Array[0, 200], Gen.Int[0, 64]).Sample((bytes, max) =>
        {
            var results = ReadAllAsync(bytes, max).GetAwaiter().GetResult();
            Assert.All(results.SkipLast(1), r => Assert.True(r.Message.Length <= max));
            Assert.NotEqual(DelimitedReadStatus.Message, results[^1].Status);
        }, iter: 2_000);

    [Fact]
    public async Task A_length_above_the_limit_is_refused_before_the_message_arrives()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 0x80, 0x80, 0x80, 0x40 });

        var (status, _, length) = await DelimitedMessage.ReadAsync(pipe.Reader, 1024 * 1024, default).AsTask().WaitAsync(Loopback.Patience);

        Assert.Equal(DelimitedReadStatus.Oversized, status);
        Assert.Equal(0x40 << 21, length);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    [InlineData(new byte[] { 0x80, 0x00 })]
    [InlineData(new byte[] { 0x05, 0x01, 0x02 })]
    public async Task Malformed_prefixes_and_cut_messages_are_malformed(byte[] bytes)
    {
        var results = await ReadAllAsync(bytes, int.MaxValue);

        Assert.Equal(DelimitedReadStatus.Malformed, results.Single().Status);
    }

    [Fact]
    public void The_prefix_reader_needs_more_bytes_only_while_every_byte_continues() =>
        Gen.Byte.Array[0, 4].Sample(bytes =>
        {
            var continues = bytes.All(b => (b & 0x80) != 0);
            var result = DelimitedMessage.TryReadLength(new ReadOnlySequence<byte>(bytes), out _, out _);
            Assert.Equal(continues, result is null);
        }, iter: 1_000);
}
