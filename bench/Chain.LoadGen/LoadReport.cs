using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chain.LoadGen;

/// <summary>What a load run measured. Times are seconds from the start of sending unless named _ms.</summary>
public sealed record LoadReport
{
    /// <summary>Largest report file `loadgen report` reads: a run of an hour at the highest rate stays far below it.</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    /// <summary>Latest second of a series `loadgen report` draws (the HTML report draws every second up to the last).</summary>
    public const int MaxSeriesSecond = 1_000_000;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>When the report was made (UTC); absent in reports written before it was recorded.</summary>
    public DateTimeOffset? GeneratedAt { get; init; }

    /// <summary>Every option of the run; absent in reports written before it was recorded.</summary>
    public RunSettings? Settings { get; init; }

    public required double OfferedRate { get; init; }

    public required double DurationSeconds { get; init; }

    public required int Accounts { get; init; }

    public required IReadOnlyList<string> Nodes { get; init; }

    public required string Watch { get; init; }

    public required long Planned { get; init; }

    public required long Sent { get; init; }

    /// <summary>Sent txs / time from the first send to the last: below the offered rate when the sender fell behind.</summary>
    public required double SendRate { get; init; }

    /// <summary>Dispatch rounds in which the in-flight cap held txs back.</summary>
    public required long HeldBackRounds { get; init; }

    public required long Accepted { get; init; }

    public required long Refused { get; init; }

    public required IReadOnlyDictionary<string, int> RefusedBy { get; init; }

    public required long RpcErrors { get; init; }

    public required IReadOnlyDictionary<string, int> RpcErrorsBy { get; init; }

    /// <summary>Our txs found in committed blocks of the watched node (any result code).</summary>
    public required long Committed { get; init; }

    /// <summary>Committed with a non-zero result code.</summary>
    public required long CommittedFailed { get; init; }

    /// <summary>Accepted but never seen in a block before the drain ended.</summary>
    public required long Lost { get; init; }

    /// <summary>Our txs in blocks after the first that held any / time between that first block and the last seen.</summary>
    public required double? SustainedTxPerSecond { get; init; }

    public required double? FirstCommitAt { get; init; }

    public required double? LastCommitAt { get; init; }

    public required Percentiles? CommitLatencyMs { get; init; }

    public required Percentiles? BroadcastAnswerMs { get; init; }

    /// <summary>Answer times of every refused try (re-sent ones included): how fast an overloaded node says no.</summary>
    public Percentiles? RefusalAnswerMs { get; init; }

    public required int Blocks { get; init; }

    public required Percentiles? BlockIntervalMs { get; init; }

    /// <summary>Heights (before the last seen) decided in a round above 0, i.e. after a round timed out.</summary>
    public required int HeightsPastRoundZero { get; init; }

    public required uint MaxRound { get; init; }

    public required double TxsPerBlockMean { get; init; }

    public required int TxsPerBlockMax { get; init; }

    public required IReadOnlyList<long> MaxMempoolPerNode { get; init; }

    public required IReadOnlyList<SecondStats> Series { get; init; }

    public required IReadOnlyList<BlockSeen> BlockLog { get; init; }

    /// <summary>
    /// Slots that sent a tx again because the mempool was full at its last try (the account's later txs wait for it);
    /// refusals by reason count every try, Refused only the txs whose last try was refused.
    /// </summary>
    public int Resent { get; init; }

    /// <summary>new_block events received on an Events/Subscribe stream held open on the watched node.</summary>
    public int SubscribedNewBlocks { get; init; }

    /// <summary>Set when the node ended or broke that stream before the run ended.</summary>
    public string? SubscriptionEnded { get; init; }

    /// <summary>Failed calls of the watcher (it retries); a node that answers Status slowly shows up here.</summary>
    public required IReadOnlyDictionary<string, int> WatchErrors { get; init; }

    public static LoadReport Build(
        LoadOptions options, long planned, long heldBack, long start, long[] sentAt, long[] answeredAt, long[] committedAt, ulong[] committedHeight, byte[] outcome, uint[] commitCode,
        IReadOnlyDictionary<string, int> refusals, IReadOnlyDictionary<string, int> rpcErrors, List<BlockSeen> blocks, List<NodeSample> samples,
        IReadOnlyList<string> nodes, IReadOnlyDictionary<string, int> watchErrors)
    {
        double Sec(long t) => (double)(t - start) / Stopwatch.Frequency;
        long sent = 0, accepted = 0, refused = 0, errors = 0, committed = 0, committedFailed = 0, lost = 0;
        double firstSend = double.MaxValue, lastSend = 0;
        var latencies = new List<double>();
        var answers = new List<double>();
        var latenciesByHeight = new Dictionary<ulong, List<double>>();
        var seconds = new SortedDictionary<int, SecondStats>();
        SecondStats Slot(double at) => seconds.TryGetValue((int)at, out var s) ? s : seconds[(int)at] = new SecondStats { Second = (int)at };

        for (int k = 0; k < outcome.Length; k++)
        {
            if (outcome[k] == 0)
            {
                continue;
            }

            sent++;
            double s = Sec(sentAt[k]);
            firstSend = Math.Min(firstSend, s);
            lastSend = Math.Max(lastSend, s);
            Slot(s).Sent++;
            answers.Add((answeredAt[k] - sentAt[k]) * 1000.0 / Stopwatch.Frequency);
            switch (outcome[k])
            {
                case 1:
                    accepted++;
                    Slot(s).Accepted++;
                    break;
                case 2:
                    refused++;
                    break;
                default:
                    errors++;
                    break;
            }

            if (committedAt[k] >= 0)
            {
                committed++;
                if (commitCode[k] != 0)
                {
                    committedFailed++;
                }

                double latency = (committedAt[k] - sentAt[k]) * 1000.0 / Stopwatch.Frequency;
                latencies.Add(latency);
                if (!latenciesByHeight.TryGetValue(committedHeight[k], out var inBlock))
                {
                    latenciesByHeight[committedHeight[k]] = inBlock = new List<double>();
                }

                inBlock.Add(latency);
                Slot(Sec(committedAt[k])).Committed++;
            }
            else if (outcome[k] == 1)
            {
                lost++;
            }
        }

        var withOurs = blocks.Where(b => b.OurTxs > 0).OrderBy(b => b.Height).ToList();
        double? sustained = null;
        if (withOurs.Count >= 2 && withOurs[^1].SeenAt > withOurs[0].SeenAt)
        {
            sustained = withOurs.Skip(1).Sum(b => (double)b.OurTxs) / (withOurs[^1].SeenAt - withOurs[0].SeenAt);
        }

        var ordered = blocks.OrderBy(b => b.Height)
            .Select(b => latenciesByHeight.TryGetValue(b.Height, out var ms) ? b with { OurLatencyMs = Percentiles.Of(ms) } : b)
            .ToList();
        var intervals = new List<double>();
        for (int i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Height == ordered[i - 1].Height + 1)
            {
                intervals.Add((ordered[i].HeaderTimeUnixNanos - ordered[i - 1].HeaderTimeUnixNanos) / 1e6);
            }
        }

        foreach (var sample in samples)
        {
            var slot = Slot(sample.At);
            slot.Mempool = sample.MempoolSizes;
            slot.Heights = sample.Heights;
        }

        var maxMempool = new long[nodes.Count];
        foreach (var sample in samples)
        {
            for (int i = 0; i < maxMempool.Length && i < sample.MempoolSizes.Length; i++)
            {
                maxMempool[i] = Math.Max(maxMempool[i], sample.MempoolSizes[i]);
            }
        }

        return new LoadReport
        {
            GeneratedAt = DateTimeOffset.UtcNow,
            Settings = RunSettings.Of(options),
            OfferedRate = options.Rate,
            DurationSeconds = options.Duration.TotalSeconds,
            Accounts = options.Accounts,
            Nodes = nodes,
            Watch = options.Watch,
            Planned = planned,
            Sent = sent,
            SendRate = lastSend > firstSend ? sent / (lastSend - firstSend) : 0,
            HeldBackRounds = heldBack,
            Accepted = accepted,
            Refused = refused,
            RefusedBy = refusals,
            RpcErrors = errors,
            RpcErrorsBy = rpcErrors,
            Committed = committed,
            CommittedFailed = committedFailed,
            Lost = lost,
            SustainedTxPerSecond = sustained,
            FirstCommitAt = withOurs.Count > 0 ? withOurs[0].SeenAt : null,
            LastCommitAt = withOurs.Count > 0 ? withOurs[^1].SeenAt : null,
            CommitLatencyMs = Percentiles.Of(latencies),
            BroadcastAnswerMs = Percentiles.Of(answers),
            Blocks = ordered.Count,
            BlockIntervalMs = Percentiles.Of(intervals),
            HeightsPastRoundZero = ordered.Skip(1).Count(b => b.PreviousHeightRound > 0),
            MaxRound = ordered.Skip(1).Select(b => b.PreviousHeightRound).DefaultIfEmpty(0U).Max(),
            TxsPerBlockMean = ordered.Count > 0 ? ordered.Average(b => b.Txs) : 0,
            TxsPerBlockMax = ordered.Count > 0 ? ordered.Max(b => b.Txs) : 0,
            MaxMempoolPerNode = maxMempool,
            Series = seconds.Values.ToList(),
            BlockLog = ordered,
            WatchErrors = watchErrors,
        };
    }

    public void Print(TextWriter w)
    {
        string F(double v) => v.ToString("#,0", CultureInfo.InvariantCulture);
        string P(Percentiles? p) => p is null ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"median {p.Median:0} ms, p90 {p.P90:0} ms, p99 {p.P99:0} ms, max {p.Max:0} ms");
        w.WriteLine();
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Offered {F(OfferedRate)} tx/s for {DurationSeconds:0} s from {Accounts} accounts to {Nodes.Count} nodes; watching {Watch}"));
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Sent      {F(Sent)} of {F(Planned)} at {F(SendRate)} tx/s{(HeldBackRounds > 0 ? $" (in-flight cap held the schedule back {HeldBackRounds} times)" : string.Empty)}"));
        w.WriteLine($"Accepted  {F(Accepted)}   refused {F(Refused)}   rpc errors {F(RpcErrors)}{(Resent > 0 ? $"   re-sent after \"mempool is full\" {F(Resent)} times" : string.Empty)}");
        foreach (var (reason, n) in RefusedBy.OrderByDescending(p => p.Value))
        {
            w.WriteLine($"  refused {F(n)}: {reason}");
        }

        foreach (var (reason, n) in RpcErrorsBy.OrderByDescending(p => p.Value))
        {
            w.WriteLine($"  rpc error {F(n)}: {reason}");
        }

        w.WriteLine($"Committed {F(Committed)} ({F(CommittedFailed)} with a non-zero code); accepted but not committed: {F(Lost)}");
        w.WriteLine(SustainedTxPerSecond is { } s
            ? string.Create(CultureInfo.InvariantCulture, $"Sustained {F(s)} tx/s committed (from {FirstCommitAt:0.0} s to {LastCommitAt:0.0} s)")
            : "Sustained n/a (fewer than two blocks held our txs)");
        w.WriteLine($"Commit latency   {P(CommitLatencyMs)}");
        w.WriteLine($"BroadcastTx answer {P(BroadcastAnswerMs)}");
        if (RefusalAnswerMs is not null)
        {
            w.WriteLine($"Refusal answer    {P(RefusalAnswerMs)}");
        }

        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Blocks {Blocks}: interval {P(BlockIntervalMs)}; txs per block mean {TxsPerBlockMean:0}, max {TxsPerBlockMax}; decided after round 0: {HeightsPastRoundZero} (highest round {MaxRound})"));
        w.WriteLine($"Max mempool size per node: {string.Join(", ", MaxMempoolPerNode)}");
        w.WriteLine("Per second (s: sent / accepted / committed, mempool sizes):");
        foreach (var row in Series)
        {
            w.WriteLine($"  {row.Second,4}: {row.Sent,6} / {row.Accepted,6} / {row.Committed,6}   [{string.Join(' ', row.Mempool ?? [])}]");
        }

        w.WriteLine($"Events/Subscribe (new_block): {SubscribedNewBlocks} events; {SubscriptionEnded ?? "stream open until the end"}");
        foreach (var (reason, n) in WatchErrors)
        {
            w.WriteLine($"Watcher call failed {n} times (retried): {reason}");
        }
    }

    public void WriteJson(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions) + "\n");

    /// <summary>
    /// Reads a report that `loadgen run --json` wrote, by this version or an older one (the fields added since are
    /// optional); anything else is refused with a <see cref="LoadGenException"/> that says what is wrong.
    /// </summary>
    public static LoadReport Read(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new LoadGenException($"{path}: no such file");
        }

        if (file.Length > MaxFileBytes)
        {
            throw new LoadGenException($"{path}: {file.Length:N0} bytes, larger than any load report ({MaxFileBytes:N0} at most)");
        }

        LoadReport? report;
        try
        {
            using var stream = file.OpenRead();
            report = JsonSerializer.Deserialize<LoadReport>(stream, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new LoadGenException($"{path} is not a load report (written by loadgen run --json): {e.Message}");
        }

        string? wrong = report is null ? "it holds null"
            : report.Nodes.Any(n => n is null) ? "nodes holds a null"
            : report.Series.Any(s => s is null) ? "series holds a null"
            : report.BlockLog.Any(b => b is null) ? "block_log holds a null"
            : report.Series.FirstOrDefault(s => s.Second < 0 || s.Second > MaxSeriesSecond) is { } far ? $"series second {far.Second} is outside 0..{MaxSeriesSecond}"
            : null;
        if (wrong is not null)
        {
            throw new LoadGenException($"{path} is not a load report (written by loadgen run --json): {wrong}");
        }

        return report!;
    }
}
