using System.Buffers;
using System.IO.Pipelines;
using BlockIdentity = Chain.Consensus.Blocks.BlockIdentity;
using Chain.Node.Config;
using Chain.Node.P2p.Channels;
using Chain.Node.Production;
using Chain.Proto.Consensus;
using Chain.Proto.P2p;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Fuzz;

/// <summary>
/// What a peer writes on one channel of a connection, read as the peer's receive loop reads it: the first input byte
/// picks the channel, the rest is the channel's byte stream, cut into length-delimited messages by
/// <see cref="DelimitedMessage.ReadAsync"/> under the channel's limit, each parsed as an <see cref="Envelope"/> and
/// checked against the kinds the channel carries. A proposal's block then goes through the checks the consensus
/// reactor runs before it looks at the proposal (its id and <see cref="HeaderRules.BodyMismatch"/>). The format
/// errors are a malformed or oversized read result and <see cref="InvalidProtocolBufferException"/>: each ends
/// the stream as the peer's ban does.
/// </summary>
public sealed class EnvelopeTarget : IFuzzTarget
{
    private readonly IReadOnlyList<ChannelDescriptor> _channels = ChannelDescriptor.All(new P2pOptions());

    public string Name => "envelope";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var descriptor = _channels[input[0] % _channels.Count];
        var reader = PipeReader.Create(new ReadOnlySequence<byte>(input[1..].ToArray()));
        while (true)
        {
            var read = DelimitedMessage.ReadAsync(reader, descriptor.MaxMessageBytes, CancellationToken.None);
            if (!read.IsCompleted)
            {
                throw new InvalidOperationException("reading a complete in-memory stream did not finish at once");
            }

            var (status, bytes, _) = read.Result;
            if (status != DelimitedReadStatus.Message)
            {
                return;
            }

            Envelope envelope;
            try
            {
                envelope = Envelope.Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException)
            {
                return;
            }

            if (!descriptor.Accepts.Contains(envelope.SumCase))
            {
                return;
            }

            if (envelope.Proposal is { Block: { } block })
            {
                BlockIdentity.Of(block);
                HeaderRules.BodyMismatch(block);
            }
        }
    }

    public IEnumerable<(string Name, byte[] Bytes)> Seeds()
    {
        var tx = TxTarget.SignedSend(1).ToByteString();
        var block = new Block
        {
            Header = new Header { ChainId = TxTarget.ChainId, Height = 2, TimeUnixNanos = 1_700_000_000_000_000_000 },
            Data = new Data { Txs = { tx } },
        };
        block.Header.DataHash = ByteString.CopyFrom(HeaderRules.DataHash(block.Data.Txs));
        block.Header.EvidenceHash = ByteString.CopyFrom(HeaderRules.EvidenceHash(block.Evidence));
        block.Header.LastCommitHash = ByteString.CopyFrom(HeaderRules.LastCommitHash(null));
        var signature = ByteString.CopyFrom(new byte[64]);
        var address = ByteString.CopyFrom(new byte[20]);
        var vote = new Vote { Height = 2, Round = 0, ValidatorAddress = address, Signature = signature, BlockId = BlockIdentity.Of(block) };
        var commit = new Commit { Height = 2, BlockId = BlockIdentity.Of(block), Signatures = { new CommitSig { ValidatorAddress = address, Signature = signature } } };
        var envelopes = new (string Name, ChannelId Channel, Envelope Envelope)[]
        {
            ("proposal", ChannelId.Consensus, new Envelope { Proposal = new ProposalMessage { Proposal = new Proposal { Height = 2, PolRound = -1, BlockId = BlockIdentity.Of(block), Signature = signature, ProposerAddress = address }, Block = block } }),
            ("vote", ChannelId.Consensus, new Envelope { Vote = vote }),
            ("has-vote", ChannelId.Consensus, new Envelope { HasVote = new HasVote { Height = 2, Round = 1, Type = SignedMsgType.Precommit, ValidatorIndex = 3 } }),
            ("new-round-step", ChannelId.Consensus, new Envelope { NewRoundStep = new NewRoundStep { Height = 2, Round = 0, Step = 3, LastCommitRound = 0 } }),
            ("has-proposal", ChannelId.Consensus, new Envelope { HasProposal = new HasProposal { Height = 2, Round = 0 } }),
            ("txs", ChannelId.Mempool, new Envelope { Txs = new TxBatch { Txs = { tx, tx } } }),
            ("evidence", ChannelId.Evidence, new Envelope { Evidence = new EvidenceList { Evidence = { new Evidence { DuplicateVoteEvidence = new DuplicateVoteEvidence { VoteA = vote, VoteB = vote, TotalVotingPower = 10, ValidatorPower = 1 } } } } }),
            ("block-request", ChannelId.Blocks, new Envelope { BlockRequest = new BlockRequest { Height = 2 } }),
            ("block-response", ChannelId.Blocks, new Envelope { BlockResponse = new BlockResponse { Block = block, Commit = commit } }),
            ("no-block-response", ChannelId.Blocks, new Envelope { NoBlockResponse = new NoBlockResponse { Height = 9 } }),
            ("status-request", ChannelId.Blocks, new Envelope { StatusRequest = new StatusRequest() }),
            ("status-response", ChannelId.Blocks, new Envelope { StatusResponse = new StatusResponse { Base = 1, Height = 2 } }),
            ("pex-request", ChannelId.Peers, new Envelope { PexRequest = new PexRequest() }),
            ("pex-addresses", ChannelId.Peers, new Envelope { PexAddresses = new PexAddresses { Addresses = { "0123456789abcdef0123456789abcdef01234567@127.0.0.1:26656" } } }),
        };
        foreach (var (name, channel, envelope) in envelopes)
        {
            var index = _channels.Select((c, i) => (c, i)).First(p => p.c.Id == channel).i;
            yield return (name + ".bin", [(byte)index, .. DelimitedMessage.Encode(envelope)]);
        }
    }
}
