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

    /// <summary>The intact records, oldest first: at least the last end-of-height marker and every record after it
    /// (all of them when there is no marker); a log may leave out what lies before that marker.</summary>
    IReadOnlyList<WalRecord> ReadAll();
}
