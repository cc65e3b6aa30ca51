using Chain.State.Storage;
using Chain.State.Tree;
using CsCheck;

namespace Chain.State.Tests.Tree;

public sealed class SortedNodeWritesTests
{
    [Fact]
    public void Records_reach_the_batch_in_key_order_and_a_key_given_twice_ends_with_its_last_value()
    {
        // Paths drawn from a few nibbles, so deep keys that share their first 14 nibbles and repeated keys both occur.
        var gen = Gen.Select(Gen.Int[0, 64], Gen.Byte[0, 2].Array[32], Gen.Byte.Array[1, 40]).Array[1, 300];
        gen.Sample(records =>
        {
            var writes = new SortedNodeWrites();
            var expected = new Dictionary<string, byte[]>();
            foreach (var (depth, nibbles, value) in records)
            {
                var key = new byte[StateTreeKeys.MaxNodeKeySize];
                var length = StateTreeKeys.WriteNodeKey(key, 7, nibbles, depth);
                writes.Add(key.AsSpan(0, length), value);
                expected[Convert.ToHexString(key, 0, length)] = value;
            }

            var batch = new RecordingBatch();
            writes.WriteTo(batch, ColumnFamily.State);
            Assert.Equal(records.Length, batch.Puts.Count);
            for (var i = 1; i < batch.Puts.Count; i++)
            {
                Assert.True(batch.Puts[i - 1].Key.AsSpan().SequenceCompareTo(batch.Puts[i].Key) <= 0, "out of key order");
            }

            var last = new Dictionary<string, byte[]>();
            foreach (var (key, value) in batch.Puts)
            {
                last[Convert.ToHexString(key)] = value;
            }

            Assert.Equal(expected.Count, last.Count);
            foreach (var (key, value) in expected)
            {
                Assert.Equal(value, last[key]);
            }

            Assert.Equal(0, writes.Count);
        }, iter: 300);
    }

    private sealed class RecordingBatch : IWriteBatch
    {
        public List<(byte[] Key, byte[] Value)> Puts { get; } = new();

        public int Count => Puts.Count;

        public void Put(ColumnFamily cf, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => Puts.Add((key.ToArray(), value.ToArray()));

        public void Delete(ColumnFamily cf, ReadOnlySpan<byte> key) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
