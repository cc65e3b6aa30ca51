using System.Security.Cryptography;
using Chain.Consensus.Blocks;
using Chain.Consensus.Driver;
using Chain.Consensus.Engine;
using Chain.Consensus.Options;
using Chain.Consensus.Signing;
using Chain.Consensus.Validators;
using Chain.Consensus.Wal;
using Chain.Proto.Consensus;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Bench;

/// <summary>
/// N validators (engine + driver + in-memory WAL + guard) on a perfect in-process network: every message
/// reaches every peer in FIFO order and timeout_commit elapses at once, so a height costs exactly
/// one proposal and 2N votes broadcast to N-1 peers, each logged, verified and tallied.
/// </summary>
internal sealed class ConsensusCluster
{
    private readonly Node[] _nodes;
    private readonly Queue<(int To, object Message)> _network = new();

    public ConsensusCluster(int validators, bool secp256k1)
    {
        var signers = Enumerable.Range(0, validators).Select(_ => new BenchSigner(secp256k1)).ToArray();
        ConsensusValidatorSet genesis = ConsensusValidatorSet.Create(signers.Select(s => new ValidatorUpdate(s.Address, s.PublicKey, 10)));
        var blocks = new BenchBlocks();
        _nodes = new Node[validators];
        for (int i = 0; i < validators; i++)
        {
            _nodes[i] = new Node(this, i);
            var engine = new ConsensusEngine(ConsensusOptions.Testnet, "bench", HeightStart.FromGenesis(genesis), signers[i].Address, blocks, blocks, signers[i]);
            _nodes[i].Driver = new ConsensusDriver(engine, new MemoryWriteAheadLog(), new DoubleSignGuard(signers[i], new MemorySignerStateStore(), "bench"), _nodes[i]);
        }

        foreach (Node node in _nodes)
        {
            node.Driver.Start();
        }
    }

    public ulong MinHeight => _nodes.Min(n => n.Driver.Engine.Height);

    /// <summary>Runs until every validator has committed one more height.</summary>
    public void CommitOneHeight()
    {
        ulong target = MinHeight + 1;
        while (MinHeight < target)
        {
            if (!_network.TryDequeue(out (int To, object Message) item))
            {
                throw new InvalidOperationException("the cluster stalled");
            }

            ConsensusDriver driver = _nodes[item.To].Driver;
            switch (item.Message)
            {
                case Vote v:
                    driver.OnVote(v);
                    break;
                case ProposalMessage p:
                    driver.OnProposal(p.Proposal, p.Block);
                    break;
                case TimeoutInfo t:
                    driver.OnTimeout(t);
                    break;
            }
        }
    }

    private void Broadcast(int from, object message)
    {
        for (int i = 0; i < _nodes.Length; i++)
        {
            if (i != from)
            {
                _network.Enqueue((i, message));
            }
        }
    }

    private sealed class Node(ConsensusCluster cluster, int index) : IConsensusHost
    {
        public ConsensusDriver Driver { get; set; } = null!;

        public long NowUnixNanos => 0;

        public void BroadcastProposal(Proposal proposal, Block block) =>
            cluster.Broadcast(index, new ProposalMessage { Proposal = proposal, Block = block });

        public void BroadcastVote(Vote vote) => cluster.Broadcast(index, vote);

        public void ScheduleTimeout(TimeoutInfo timeout, TimeSpan delay)
        {
            // A perfect network never needs the round timeouts; timeout_commit elapses at once.
            if (timeout.Step == TimeoutStep.NewHeight)
            {
                cluster._network.Enqueue((index, timeout));
            }
        }

        public IReadOnlyList<ValidatorUpdate> CommitBlock(Block block, Commit commit, HeightStart decidedAt) => [];

        public void EvidenceFound(DuplicateVoteEvidence evidence)
        {
        }
    }

    private sealed class BenchBlocks : IBlockSource, IProposalValidator
    {
        public Block CreateBlock(BlockRequest request)
        {
            ByteString tx = ByteString.CopyFrom(new byte[256]);
            var block = new Block
            {
                Header = new Header
                {
                    ChainId = "bench",
                    Height = request.Height,
                    ProposerAddress = ByteString.CopyFrom(request.ProposerAddress),
                    DataHash = ByteString.CopyFrom(SHA256.HashData(tx.Span)),
                },
                Data = new Data(),
            };
            block.Data.Txs.Add(tx);
            return block;
        }

        public bool IsValid(Block block) => block.Header?.ChainId == "bench";

        public bool IsTimely(Block block) => true;
    }
}
