using Chain.Consensus.Wal;
using Chain.Proto.Consensus;
using Chain.Proto.Types;

namespace Chain.Consensus.Tests.Wal;

public sealed class WalFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("consensus-wal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static WalRecord Vote(uint round) => new() { VoteIn = new Vote { Type = SignedMsgType.Prevote, Height = 3, Round = round } };

    [Fact]
    public void Records_survive_reopening_in_order()
    {
        string path = Path.Combine(_dir, "wal");
        using (var wal = new FileWriteAheadLog(path))
        {
            wal.AppendSync(new WalRecord { EndHeight = new EndHeightRecord { Height = 2 } });
            wal.Append(Vote(0));
            wal.AppendSync(Vote(1));
        }

        using var reopened = new FileWriteAheadLog(path);
        Assert.Equal(0, reopened.TruncatedBytes);
        Assert.Equal([WalRecord.SumOneofCase.EndHeight, WalRecord.SumOneofCase.VoteIn, WalRecord.SumOneofCase.VoteIn],
            reopened.ReadAll().Select(r => r.SumCase));
        Assert.Equal(1U, reopened.ReadAll()[2].VoteIn.Round);
    }

    [Fact]
    public void A_torn_tail_record_is_cut_off_on_open()
    {
        string path = Path.Combine(_dir, "wal");
        long intact;
        using (var wal = new FileWriteAheadLog(path))
        {
            wal.AppendSync(Vote(0));
            wal.AppendSync(Vote(1));
            intact = new FileInfo(path).Length;
        }

        byte[] frame = WalFraming.Encode(Vote(2));
        using (var f = new FileStream(path, FileMode.Append))
        {
            f.Write(frame.AsSpan(0, frame.Length - 3)); // the process died mid-write
        }

        using (var reopened = new FileWriteAheadLog(path))
        {
            Assert.Equal(2, reopened.ReadAll().Count);
            Assert.Equal(frame.Length - 3, reopened.TruncatedBytes);
            reopened.AppendSync(Vote(3)); // appends land after the intact prefix
        }

        Assert.Equal(intact + frame.Length, new FileInfo(path).Length);
        using var again = new FileWriteAheadLog(path);
        Assert.Equal([0U, 1U, 3U], again.ReadAll().Select(r => r.VoteIn.Round));
    }

    [Fact]
    public void A_record_with_a_bad_checksum_ends_the_log()
    {
        string path = Path.Combine(_dir, "wal");
        using (var wal = new FileWriteAheadLog(path))
        {
            wal.AppendSync(Vote(0));
            wal.AppendSync(Vote(1));
        }

        byte[] bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        using var reopened = new FileWriteAheadLog(path);
        Assert.Single(reopened.ReadAll());
    }

    [Fact]
    public void A_huge_length_prefix_is_corruption_not_an_allocation()
    {
        byte[] data = [0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3, 4, 5, 6, 7, 8];
        Assert.Empty(WalFraming.Decode(data, out long valid));
        Assert.Equal(0, valid);
    }

    [Fact]
    public void The_log_is_cut_back_to_the_end_of_height_marker_once_large()
    {
        string path = Path.Combine(_dir, "wal");
        using (var wal = new FileWriteAheadLog(path, compactAfterBytes: 200))
        {
            for (uint i = 0; i < 20; i++)
            {
                wal.Append(Vote(i));
            }

            wal.AppendSync(new WalRecord { EndHeight = new EndHeightRecord { Height = 3 } });
        }

        using var reopened = new FileWriteAheadLog(path);
        Assert.Equal(3UL, reopened.ReadAll().Single().EndHeight.Height);
    }

    [Fact]
    public void Opening_keeps_only_the_records_from_the_last_end_of_height_marker_on()
    {
        string path = Path.Combine(_dir, "wal");
        using (var wal = new FileWriteAheadLog(path))
        {
            for (ulong height = 1; height <= 3; height++)
            {
                wal.AppendSync(new WalRecord { EndHeight = new EndHeightRecord { Height = height } });
                wal.Append(Vote((uint)height));
                wal.AppendSync(Vote((uint)height + 10));
            }
        }

        using var reopened = new FileWriteAheadLog(path);
        Assert.Equal(0, reopened.TruncatedBytes);
        IReadOnlyList<WalRecord> records = reopened.ReadAll();
        Assert.Equal(3, records.Count);
        Assert.Equal(3UL, records[0].EndHeight.Height);
        Assert.Equal([3U, 13U], records.Skip(1).Select(r => r.VoteIn.Round));
    }

    [Fact]
    public void A_length_prefix_beyond_the_largest_record_in_the_file_ends_the_log_without_reading_it()
    {
        string path = Path.Combine(_dir, "wal");
        using (var wal = new FileWriteAheadLog(path))
        {
            wal.AppendSync(Vote(0));
        }

        long intact = new FileInfo(path).Length;
        using (var f = new FileStream(path, FileMode.Append))
        {
            byte[] header = new byte[WalFraming.HeaderSize + 16];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header, WalFraming.MaxPayloadSize + 1);
            f.Write(header);
        }

        using var reopened = new FileWriteAheadLog(path);
        Assert.Single(reopened.ReadAll());
        Assert.Equal(WalFraming.HeaderSize + 16, reopened.TruncatedBytes);
        Assert.Equal(intact, new FileInfo(path).Length);
    }

    [Fact]
    public void The_memory_log_loses_unsynced_bytes_on_a_crash_and_drops_a_torn_record()
    {
        var wal = new MemoryWriteAheadLog();
        wal.AppendSync(Vote(0));
        wal.Append(Vote(1));
        wal.Crash(5); // part of record 1's frame reached "disk"
        Assert.Single(wal.ReadAll());
        wal.AppendSync(Vote(2));
        Assert.Equal([0U, 2U], wal.ReadAll().Select(r => r.VoteIn.Round));
    }
}
