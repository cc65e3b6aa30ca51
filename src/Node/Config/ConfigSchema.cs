using Serilog.Events;

namespace Chain.Node.Config;

/// <summary>
/// Every key of config.toml in file order. The loader, the file written by init, the
/// environment and flag overrides, and the docs test all go through this list, so a key
/// exists in all of them or in none.
/// </summary>
public static class ConfigSchema
{
    private const string PositiveInt = "a whole number from 1 to 2147483647";
    private const string NonNegativeInt = "a whole number from 0 to 2147483647";
    private const string Bool = "true or false";

    public static IReadOnlyList<ConfigKey> Keys { get; } =
    [
        Key("", "moniker", ConfigValueKind.String,
            "A human name for this node, shown by `chaind status`.",
            "a string of 1 to 64 printable characters",
            c => c.Moniker,
            (c, v) => v is string s && s.Length is >= 1 and <= 64 && !s.Any(char.IsControl) ? c with { Moniker = s } : null),

        Address("grpc", "address", "Listen address of the gRPC API (queries, txs, blocks, status, events).",
            c => c.Grpc.Address, (c, a) => c with { Grpc = c.Grpc with { Address = a } }),
        Key("grpc", "max_subscriptions", ConfigValueKind.Integer,
            "Most event subscriptions served at once; one more is refused with RESOURCE_EXHAUSTED.",
            PositiveInt,
            c => (long)c.Grpc.MaxSubscriptions,
            (c, v) => v is long n && n is >= 1 and <= int.MaxValue ? c with { Grpc = c.Grpc with { MaxSubscriptions = (int)n } } : null),
        Key("grpc", "max_subscriptions_per_client", ConfigValueKind.Integer,
            "Most event subscriptions served at once to one client address; one more is refused with RESOURCE_EXHAUSTED.",
            PositiveInt,
            c => (long)c.Grpc.MaxSubscriptionsPerClient,
            (c, v) => v is long n && n is >= 1 and <= int.MaxValue ? c with { Grpc = c.Grpc with { MaxSubscriptionsPerClient = (int)n } } : null),

        Key("metrics", "enabled", ConfigValueKind.Boolean,
            "Serve Prometheus metrics (height, round, peers, mempool size, block time, tx/s).",
            Bool,
            c => c.Metrics.Enabled,
            (c, v) => v is bool b ? c with { Metrics = c.Metrics with { Enabled = b } } : null),
        Address("metrics", "address", "Listen address of the Prometheus /metrics endpoint.",
            c => c.Metrics.Address, (c, a) => c with { Metrics = c.Metrics with { Address = a } }),

        Key("gateway", "enabled", ConfigValueKind.Boolean,
            "Serve the REST/JSON gateway (queries and BroadcastTx as JSON over HTTP/1.1, OpenAPI, server-sent events).",
            Bool,
            c => c.Gateway.Enabled,
            (c, v) => v is bool b ? c with { Gateway = c.Gateway with { Enabled = b } } : null),
        Address("gateway", "address", "Listen address of the REST/JSON gateway and the explorer (HTTP/1.1).",
            c => c.Gateway.Address, (c, a) => c with { Gateway = c.Gateway with { Address = a } }),
        Key("gateway", "explorer", ConfigValueKind.Boolean,
            "Serve the explorer page at /explorer/ on the gateway (needs gateway.enabled).",
            Bool,
            c => c.Gateway.Explorer,
            (c, v) => v is bool b ? c with { Gateway = c.Gateway with { Explorer = b } } : null),

        Address("p2p", "listen_address", "Address peers connect to.",
            c => c.P2p.ListenAddress, (c, a) => c with { P2p = c.P2p with { ListenAddress = a } }),
        Key("p2p", "persistent_peers", ConfigValueKind.StringArray,
            "Peers to keep connections to, each \"host:port\" or \"node_id@host:port\".",
            "a list of \"host:port\" or \"node_id@host:port\" strings (a node id is 40 hex characters)",
            c => c.P2p.PersistentPeers.ToArray(),
            (c, v) => v is string[] peers && peers.All(P2pOptions.IsValidPeer)
                ? c with { P2p = c.P2p with { PersistentPeers = peers } }
                : null),
        Key("p2p", "max_peers", ConfigValueKind.Integer,
            "Most connected peers; inbound connections beyond it are refused (persistent peers are still dialed).",
            PositiveInt,
            c => (long)c.P2p.MaxPeers,
            (c, v) => v is long n && n is >= 1 and <= int.MaxValue ? c with { P2p = c.P2p with { MaxPeers = (int)n } } : null),
        Key("p2p", "send_queue_size", ConfigValueKind.Integer,
            "Messages queued per peer and channel; when full, further messages to that peer are dropped.",
            PositiveInt,
            c => (long)c.P2p.SendQueueSize,
            (c, v) => v is long n && n is >= 1 and <= int.MaxValue ? c with { P2p = c.P2p with { SendQueueSize = (int)n } } : null),
        Key("p2p", "send_queue_max_bytes", ConfigValueKind.Integer,
            "Bytes queued to send to one peer, all channels together; beyond it further messages to that peer are dropped.",
            "a whole number of bytes from 1048576 to 68719476736",
            c => c.P2p.SendQueueMaxBytes,
            (c, v) => v is long n && n is >= 1024 * 1024 and <= 64L * 1024 * 1024 * 1024 ? c with { P2p = c.P2p with { SendQueueMaxBytes = n } } : null),
        Key("p2p", "send_queue_total_bytes", ConfigValueKind.Integer,
            "Bytes queued to send to all peers together; beyond it further messages to any peer are dropped.",
            "a whole number of bytes from 1048576 to 1099511627776",
            c => c.P2p.SendQueueTotalBytes,
            (c, v) => v is long n && n is >= 1024 * 1024 and <= 1024L * 1024 * 1024 * 1024 ? c with { P2p = c.P2p with { SendQueueTotalBytes = n } } : null),
        Key("p2p", "max_message_bytes", ConfigValueKind.Integer,
            "Largest message on the consensus, mempool and blocks channels; a peer that sends a larger one is dropped and banned.",
            "a whole number of bytes from 1024 to 1073741824",
            c => (long)c.P2p.MaxMessageBytes,
            (c, v) => v is long n && n is >= 1024 and <= 1024 * 1024 * 1024 ? c with { P2p = c.P2p with { MaxMessageBytes = (int)n } } : null),
        P2pDuration("ban_duration", "How long a peer that sent a malformed or oversized message is refused.",
            c => c.P2p.BanDuration, (c, t) => c with { P2p = c.P2p with { BanDuration = t } }),
        P2pDuration("dial_backoff_min", "First wait before redialing a persistent peer; doubles after each failed dial.",
            c => c.P2p.DialBackoffMin, (c, t) => c with { P2p = c.P2p with { DialBackoffMin = t } }),
        P2pDuration("dial_backoff_max", "Longest wait between dials of a persistent peer (at least dial_backoff_min).",
            c => c.P2p.DialBackoffMax, (c, t) => c with { P2p = c.P2p with { DialBackoffMax = t } }),
        Key("p2p", "max_inbound_per_address", ConfigValueKind.Integer,
            "Most inbound connections (handshaking or connected) from one IP address; more are closed before the handshake.",
            PositiveInt,
            c => (long)c.P2p.MaxInboundPerAddress,
            (c, v) => v is long n && n is >= 1 and <= int.MaxValue ? c with { P2p = c.P2p with { MaxInboundPerAddress = (int)n } } : null),
        P2pDuration("idle_timeout", "A peer that sends nothing, not even the pings sent every third of this, for this long is dropped.",
            c => c.P2p.IdleTimeout, (c, t) => c with { P2p = c.P2p with { IdleTimeout = t } }),
        P2pDuration("handshake_timeout", "Time allowed to connect to a peer, authenticate it and open the channels.",
            c => c.P2p.HandshakeTimeout, (c, t) => c with { P2p = c.P2p with { HandshakeTimeout = t } }),

        Timeout("max_clock_drift", "How far ahead of this validator's clock a fresh proposal's block time may be for it to prevote the block.", positive: true,
            c => c.Consensus.MaxClockDrift, (c, t) => c with { Consensus = c.Consensus with { MaxClockDrift = t } }),
        Timeout("timeout_propose", "How long to wait for a proposal before prevoting nil.", positive: true,
            c => c.Consensus.TimeoutPropose, (c, t) => c with { Consensus = c.Consensus with { TimeoutPropose = t } }),
        Timeout("timeout_propose_delta", "Added to timeout_propose for each further round.", positive: false,
            c => c.Consensus.TimeoutProposeDelta, (c, t) => c with { Consensus = c.Consensus with { TimeoutProposeDelta = t } }),
        Timeout("timeout_prevote", "How long to wait after +2/3 of any prevotes before precommitting nil.", positive: true,
            c => c.Consensus.TimeoutPrevote, (c, t) => c with { Consensus = c.Consensus with { TimeoutPrevote = t } }),
        Timeout("timeout_prevote_delta", "Added to timeout_prevote for each further round.", positive: false,
            c => c.Consensus.TimeoutPrevoteDelta, (c, t) => c with { Consensus = c.Consensus with { TimeoutPrevoteDelta = t } }),
        Timeout("timeout_precommit", "How long to wait after +2/3 of any precommits before moving to the next round.", positive: true,
            c => c.Consensus.TimeoutPrecommit, (c, t) => c with { Consensus = c.Consensus with { TimeoutPrecommit = t } }),
        Timeout("timeout_precommit_delta", "Added to timeout_precommit for each further round.", positive: false,
            c => c.Consensus.TimeoutPrecommitDelta, (c, t) => c with { Consensus = c.Consensus with { TimeoutPrecommitDelta = t } }),
        Timeout("timeout_commit", "Pause after a commit before the next height starts; sets the block time.", positive: false,
            c => c.Consensus.TimeoutCommit, (c, t) => c with { Consensus = c.Consensus with { TimeoutCommit = t } }),

        Key("mempool", "max_txs", ConfigValueKind.Integer,
            "Most txs held in the mempool; when full the lowest fee is evicted.",
            PositiveInt,
            c => (long)c.Mempool.MaxTxs,
            (c, v) => v is long n && n is >= 1 and <= int.MaxValue ? c with { Mempool = c.Mempool with { MaxTxs = (int)n } } : null),
        Key("mempool", "max_bytes", ConfigValueKind.Integer,
            "Most total bytes of txs held in the mempool.",
            "a whole number of bytes from 1 to 9223372036854775807",
            c => c.Mempool.MaxBytes,
            (c, v) => v is long n && n >= 1 ? c with { Mempool = c.Mempool with { MaxBytes = n } } : null),
        Key("mempool", "max_pending", ConfigValueKind.Integer,
            "Most txs past their signature check waiting for their turn at the mempool; past it a tx is refused at once as \"mempool is full\".",
            PositiveInt,
            c => (long)c.Mempool.MaxPending,
            (c, v) => v is long n && n is >= 1 and <= int.MaxValue ? c with { Mempool = c.Mempool with { MaxPending = (int)n } } : null),
        Key("mempool", "client_backlog", ConfigValueKind.String,
            "Most backlog clients may queue, in seconds of the chain's recent commit rate (at least client_backlog_min_txs txs); past it a client's tx is refused at once as \"mempool is full\"; relayed txs may still fill max_txs. 0s turns it off.",
            Duration.Expected,
            c => Duration.Format(c.Mempool.ClientBacklog),
            (c, v) => v is string s && Duration.TryParse(s, out var t) ? c with { Mempool = c.Mempool with { ClientBacklog = t } } : null),
        Key("mempool", "client_backlog_min_txs", ConfigValueKind.Integer,
            "The client backlog bound never falls below this many txs (nor rises above max_txs).",
            PositiveInt,
            c => (long)c.Mempool.ClientBacklogMinTxs,
            (c, v) => v is long n && n is >= 1 and <= int.MaxValue ? c with { Mempool = c.Mempool with { ClientBacklogMinTxs = (int)n } } : null),
        Key("mempool", "recheck", ConfigValueKind.Boolean,
            "Re-check the remaining txs against the new state after each block.",
            Bool,
            c => c.Mempool.Recheck,
            (c, v) => v is bool b ? c with { Mempool = c.Mempool with { Recheck = b } } : null),
        Key("mempool", "cache_size", ConfigValueKind.Integer,
            "How many recently seen tx hashes are remembered so duplicates are answered, not re-checked (0 = none).",
            NonNegativeInt,
            c => (long)c.Mempool.CacheSize,
            (c, v) => v is long n && n is >= 0 and <= int.MaxValue ? c with { Mempool = c.Mempool with { CacheSize = (int)n } } : null),

        Key("tx", "min_gas_price", ConfigValueKind.String,
            "Lowest fee per unit of gas this node accepts into its mempool; decimals allowed.",
            GasPrice.Expected,
            c => c.Tx.MinGasPrice.ToString(),
            (c, v) => v is string s && GasPrice.TryParse(s, out var p) ? c with { Tx = c.Tx with { MinGasPrice = p } } : null),
        Key("tx", "max_block_txs", ConfigValueKind.Integer,
            "Most txs in a block this node proposes (0 = no limit beyond the block's byte and gas limits).",
            NonNegativeInt,
            c => (long)c.Tx.MaxBlockTxs,
            (c, v) => v is long n && n is >= 0 and <= int.MaxValue ? c with { Tx = c.Tx with { MaxBlockTxs = (int)n } } : null),

        Key("state", "backend", ConfigValueKind.String,
            "Where state and blocks are kept: \"rocksdb\" (under data/) or \"memory\" (lost on exit; for tests).",
            "\"rocksdb\" or \"memory\"",
            c => c.State.Backend == StateBackend.Memory ? "memory" : "rocksdb",
            (c, v) => v switch
            {
                "rocksdb" => c with { State = c.State with { Backend = StateBackend.RocksDb } },
                "memory" => c with { State = c.State with { Backend = StateBackend.Memory } },
                _ => null,
            }),
        Key("state", "keep_versions", ConfigValueKind.Integer,
            "How many recent state versions to keep for queries (0 = keep all).",
            "a whole number from 0 up",
            c => (long)c.State.KeepVersions,
            (c, v) => v is long n && n >= 0 ? c with { State = c.State with { KeepVersions = (ulong)n } } : null),
        Key("state", "block_cache_bytes", ConfigValueKind.Integer,
            "RocksDB's block cache, shared by its column families, in bytes (32 MiB; raise it on a validator with memory to spare).",
            "a whole number of bytes from 1048576 (1 MiB) up",
            c => c.State.BlockCacheBytes,
            (c, v) => v is long n && n >= 1024 * 1024 ? c with { State = c.State with { BlockCacheBytes = n } } : null),
        Key("state", "write_buffer_bytes", ConfigValueKind.Integer,
            "Most memory of RocksDB's memtables, all column families together, in bytes (32 MiB); past it the largest is flushed to disk.",
            "a whole number of bytes from 4194304 (4 MiB) up",
            c => c.State.WriteBufferBytes,
            (c, v) => v is long n && n >= 4 * 1024 * 1024 ? c with { State = c.State with { WriteBufferBytes = n } } : null),
        Key("state", "value_cache_bytes", ConfigValueKind.Integer,
            "Cache of the latest committed values (accounts, balances) in front of RocksDB, in bytes (8 MiB, ~27,000 accounts with their balances); 0 turns it off.",
            "a whole number of bytes, 0 or from 65536 (64 KiB) up",
            c => c.State.ValueCacheBytes,
            (c, v) => v is long n && (n == 0 || n >= 64 * 1024) ? c with { State = c.State with { ValueCacheBytes = n } } : null),

        Key("log", "level", ConfigValueKind.String,
            "Least severe messages written: verbose, debug, info, warning or error.",
            "one of verbose, debug, info, warning, error",
            c => LevelName(c.Log.Level),
            (c, v) => v is string s && TryParseLevel(s, out var level) ? c with { Log = c.Log with { Level = level } } : null),
        Key("log", "format", ConfigValueKind.String,
            "Console format: \"plain\" (human) or \"json\" (one JSON object per line).",
            "\"plain\" or \"json\"",
            c => c.Log.Format == LogFormat.Json ? "json" : "plain",
            (c, v) => v switch
            {
                "plain" => c with { Log = c.Log with { Format = LogFormat.Plain } },
                "json" => c with { Log = c.Log with { Format = LogFormat.Json } },
                _ => null,
            }),
        Key("log", "file", ConfigValueKind.String,
            "Also write JSON log lines to this file (relative to the home directory); empty = console only.",
            "a file path, or empty",
            c => c.Log.File,
            (c, v) => v is string s && s.IndexOfAny(System.IO.Path.GetInvalidPathChars()) < 0 && !s.Contains('\0')
                ? c with { Log = c.Log with { File = s } }
                : null),

        Key("health", "halt_after", ConfigValueKind.String,
            "The gRPC health service reports NOT_SERVING when the node's height has not moved for this long (halted), as well as while block sync catches up.",
            Duration.Expected + ", at least 1s",
            c => Duration.Format(c.Health.HaltAfter),
            (c, v) => v is string s && Duration.TryParse(s, out var t) && t >= TimeSpan.FromSeconds(1) ? c with { Health = c.Health with { HaltAfter = t } } : null),

        Key("client", "keyring_backend", ConfigValueKind.String,
            "Keyring of the client commands run with this home when --keyring-backend is not given: \"file\" (each key encrypted under a passphrase, in keyring-file/) or \"test\" (unencrypted, in keyring/; testnets only).",
            Chain.Client.Keys.KeyringBackends.Expected,
            c => Chain.Client.Keys.KeyringBackends.Name(c.Client.KeyringBackend),
            (c, v) => v is string s && Chain.Client.Keys.KeyringBackends.TryParse(s, out var b) ? c with { Client = c.Client with { KeyringBackend = b } } : null),

        Key("testing", "double_sign_at_height", ConfigValueKind.Integer,
            "Test only: makes this validator sign two conflicting prevotes at height N and every height after it so that peers produce evidence; never set on a real validator (0 = off).",
            "a whole number from 0 up (0 = off)",
            c => (long)c.Testing.DoubleSignAtHeight,
            (c, v) => v is long n && n >= 0 ? c with { Testing = c.Testing with { DoubleSignAtHeight = (ulong)n } } : null),
        Key("testing", "propose_time_offset", ConfigValueKind.String,
            "Test only: added to this validator's clock for the time of the blocks it proposes, so it proposes blocks from the future; never set on a real validator (\"0s\" = off).",
            Duration.Expected,
            c => Duration.Format(c.Testing.ProposeTimeOffset),
            (c, v) => v is string s && Duration.TryParse(s, out var t) ? c with { Testing = c.Testing with { ProposeTimeOffset = t } } : null),
    ];

    /// <summary>The TOML tables in file order (without the top level).</summary>
    public static IReadOnlyList<string> Sections { get; } = Keys.Select(k => k.Section).Where(s => s.Length > 0).Distinct().ToArray();

    /// <summary>The key at "section.name" (or "name"), or null.</summary>
    public static ConfigKey? Find(string path) => Keys.FirstOrDefault(k => k.Path == path);

    public static string LevelName(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "verbose",
        LogEventLevel.Debug => "debug",
        LogEventLevel.Information => "info",
        LogEventLevel.Warning => "warning",
        _ => "error",
    };

    public static bool TryParseLevel(string text, out LogEventLevel level)
    {
        level = text switch
        {
            "verbose" => LogEventLevel.Verbose,
            "debug" => LogEventLevel.Debug,
            "info" => LogEventLevel.Information,
            "warning" => LogEventLevel.Warning,
            "error" => LogEventLevel.Error,
            _ => (LogEventLevel)(-1),
        };
        return level >= 0;
    }

    private static ConfigKey Key(
        string section,
        string name,
        ConfigValueKind kind,
        string description,
        string allowed,
        Func<NodeConfig, object> get,
        Func<NodeConfig, object, NodeConfig?> set) => new(section, name, kind, description, allowed, get, set);

    private static ConfigKey Address(
        string section,
        string name,
        string description,
        Func<NodeConfig, EndpointAddress> get,
        Func<NodeConfig, EndpointAddress, NodeConfig> set) =>
        new(section, name, ConfigValueKind.String, description, EndpointAddress.Expected,
            c => get(c).ToString(),
            (c, v) => v is string s && EndpointAddress.TryParse(s, out var a) ? set(c, a) : null);

    private static ConfigKey P2pDuration(
        string name,
        string description,
        Func<NodeConfig, TimeSpan> get,
        Func<NodeConfig, TimeSpan, NodeConfig> set) =>
        new("p2p", name, ConfigValueKind.String, description, Duration.Expected + ", above zero",
            c => Duration.Format(get(c)),
            (c, v) => v is string s && Duration.TryParse(s, out var t) && t >= TimeSpan.FromMilliseconds(1) ? set(c, t) : null);

    private static ConfigKey Timeout(
        string name,
        string description,
        bool positive,
        Func<NodeConfig, TimeSpan> get,
        Func<NodeConfig, TimeSpan, NodeConfig> set) =>
        new("consensus", name, ConfigValueKind.String, description,
            positive ? Duration.Expected + ", above zero" : Duration.Expected,
            c => Duration.Format(get(c)),
            (c, v) => v is string s && Duration.TryParse(s, out var t) && (!positive || t > TimeSpan.Zero) ? set(c, t) : null);
}
