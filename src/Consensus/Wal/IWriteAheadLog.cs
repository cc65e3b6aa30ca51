using Chain.Proto.Consensus;

namespace Chain.Consensus.Wal;

/// <summary>
/// The consensus write-ahead log. <see cref="Append"/> may buffer; <see cref="AppendSync"/> returns only once
/// the record and every record before it are durable. A torn or corrupt tail is cut off when the log is opened.
/// </summary>
public interface IWriteAheadLog
{
    void Append(WalRecord record);

    void AppendSync(WalRecord record);

    /// <summary>Every intact record, oldest first.</summary>
    IReadOnlyList<WalRecord> ReadAll();
}
