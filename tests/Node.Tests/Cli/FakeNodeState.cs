using System.Collections.Concurrent;
using Chain.Proto.Bank;
using Chain.Proto.TxService;
using Chain.Proto.Types;

namespace Chain.Node.Tests.Cli;

/// <summary>What a <see cref="FakeNode"/> answers and what it received.</summary>
public sealed class FakeNodeState
{
    public string ChainId { get; init; } = "fake-1";

    public ConcurrentDictionary<string, Account> Accounts { get; } = new();

    public TxResult Result { get; set; } = new();

    public ConcurrentBag<BroadcastTxRequest> Broadcasts { get; } = [];
}
