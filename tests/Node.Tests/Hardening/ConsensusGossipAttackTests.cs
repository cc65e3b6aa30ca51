using Chain.Node.P2p.Channels;
using Chain.Proto.Consensus;
using Chain.Proto.P2p;
using Xunit.Abstractions;

namespace Chain.Node.Tests.Hardening;

/// <summary>
/// What a connected peer can make the consensus gossip do. The gossip runs on the consensus loop, so anything it
/// loops over by a peer's word stops the node from committing: it must only loop over what the engine holds.
/// </summary>
public sealed class ConsensusGossipAttackTests(ITestOutputHelper output)
{
    /// <summary>
    /// The peer announces the node's own height at round uint.MaxValue (and again at each new height). Gossip used to
    /// walk every round from 0 to that on the consensus loop, which froze the node; now it walks the rounds the
    /// engine holds, the node keeps committing and the peer stays connected (a high round is not malformed).
    /// </summary>
    [Fact]
    public async Task A_peer_announcing_the_last_round_does_not_freeze_the_consensus_loop()
    {
        await using var node = NodeProbe.WithMetrics(out var metrics);
        await node.InitializeAsync();
        var lagBefore = await NodeProbe.MetricAsync(metrics, "chain_consensus_loop_lag_max_seconds");
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

        // Measured, not asserted (timings depend on the machine): the longest any work waited for the consensus loop.
        var lagAfter = await NodeProbe.MetricAsync(metrics, "chain_consensus_loop_lag_max_seconds");
        output.WriteLine($"consensus loop lag, longest wait: {lagBefore * 1000:0.0} ms before the attack, {lagAfter * 1000:0.0} ms by its end; working set {NodeProbe.WorkingSetBytes() / (1 << 20)} MiB");
    }

    /// <summary>
    /// A vote for the node's current height that names its validator but carries a signature that does not verify:
    /// honest peers relay only votes their engines verified, so the sender is dropped and banned (it used to be
    /// dropped silently, so a peer could send forged votes forever at a signature check each). The node commits a
    /// block every 200 ms, so the height it announced may be gone when the vote arrives (a past-height vote is dropped
    /// unread): the peer forges one for the announced height and one for the next (held only once verified, so also
    /// checked) on each step the node announces, until the node closes the connection.
    /// </summary>
    [Fact]
    public async Task A_peer_sending_a_forged_vote_is_banned()
    {
        await using var node = new TestNode();
        await node.InitializeAsync();
        await using var peer = await HostilePeer.ConnectAsync(node.P2pPort, node.ChainId);
        var validator = Chain.Client.Keys.KeyPairFile.Read(new Chain.Node.Config.NodeHome(node.Home).PrivValidatorKeyFile).Address;
        var forging = Task.Run(async () =>
        {
            var sent = 0;
            while (await peer.ReceiveAsync(ChannelId.Consensus, e => e.NewRoundStep is not null) is { } step)
            {
                try
                {
                    foreach (var height in new[] { step.NewRoundStep.Height, step.NewRoundStep.Height + 1 })
                    {
                        await peer.SendAsync(ChannelId.Consensus, new Envelope
                        {
                            Vote = new Chain.Proto.Types.Vote
                            {
                                Type = Chain.Proto.Types.SignedMsgType.Prevote,
                                Height = height,
                                Round = 0,
                                ValidatorAddress = Google.Protobuf.ByteString.CopyFrom(validator),
                                ValidatorIndex = 0,
                                Signature = Google.Protobuf.ByteString.CopyFrom(new byte[64]),
                            },
                        });
                        sent++;
                    }
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
                {
                    break; // the node closed the connection
                }
            }

            return sent;
        });

        Assert.True(await peer.ClosedByNodeAsync(), "the node kept a peer that sent a forged vote");
        Assert.True(await forging >= 1, "the peer never heard a step, so it forged nothing");
        Assert.True(await HostilePeer.IsRefusedAsync(node.P2pPort, node.ChainId, peer.Key));
        Assert.True(await NodeProbe.KeepsCommittingAsync(node));
    }
}
