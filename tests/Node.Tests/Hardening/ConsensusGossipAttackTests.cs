using Chain.Node.P2p.Channels;
using Chain.Proto.Consensus;
using Chain.Proto.P2p;

namespace Chain.Node.Tests.Hardening;

/// <summary>
/// What a connected peer can make the consensus gossip do. The gossip runs on the consensus loop, so anything it
/// loops over by a peer's word stops the node from committing: it must only loop over what the engine holds.
/// </summary>
public sealed class ConsensusGossipAttackTests
{
    /// <summary>
    /// The peer announces the node's own height at round uint.MaxValue (and again at each new height). Gossip used to
    /// walk every round from 0 to that on the consensus loop, which froze the node; now it walks the rounds the
    /// engine holds, the node keeps committing and the peer stays connected (a high round is not malformed).
    /// </summary>
    [Fact]
    public async Task A_peer_announcing_the_last_round_does_not_freeze_the_consensus_loop()
    {
        await using var node = new TestNode();
        await node.InitializeAsync();
        await using var peer = await HostilePeer.ConnectAsync(node.P2pPort, node.ChainId);
        using var stop = new CancellationTokenSource();
        var announcing = Task.Run(async () =>
        {
            ulong announced = 0;
            while (!stop.IsCancellationRequested)
            {
                var step = await peer.ReceiveAsync(ChannelId.Consensus, e => e.NewRoundStep is not null);
                if (step is null)
                {
                    return announced;
                }

                if (step.NewRoundStep.Height != announced)
                {
                    announced = step.NewRoundStep.Height;
                    await peer.SendAsync(ChannelId.Consensus, new Envelope { NewRoundStep = new NewRoundStep { Height = announced, Round = uint.MaxValue, Step = 1 } });
                }
            }

            return announced;
        });

        Assert.True(await NodeProbe.KeepsCommittingAsync(node, blocks: 5), "the node stopped committing");
        await stop.CancelAsync();
        Assert.True(await announcing >= 1, "the peer never heard the node's step, so it announced nothing");
        Assert.False(peer.Mux.Completion.IsCompleted, "the node dropped a peer for announcing a high round");
    }
}
