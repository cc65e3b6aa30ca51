using Chain.Client.Keys;
using Chain.Consensus.Blocks;
using Chain.Node.App;
using Chain.Proto.NodeService;
using Chain.Proto.Types;
using Chain.State.Modules;
using Google.Protobuf.WellKnownTypes;

namespace Chain.Node.Tests.Modules;

/// <summary>
/// One validator of a real four-validator testnet (four nodes in this process, over loopback P2P) has
/// testing.double_sign_at_height set in its config.toml: its peers catch the two prevotes, the evidence goes into a
/// later block, every node's modules are told of it in BlockInfo.Evidence with the validator, height and powers that
/// slashing needs, and the chain keeps committing.
/// </summary>
public sealed class DoubleSignEvidenceTests
{
    private const int DoubleSigner = 2;
    private const ulong At = 3;

    [Fact]
    public async Task Double_signing_validator_is_reported_to_modules_in_a_later_block_and_the_chain_goes_on()
    {
        using var temp = new TempHome();
        await using var net = await InProcessTestnet.InitAsync(temp, 4);
        net.EditConfig(DoubleSigner, "double_sign_at_height = 0", $"double_sign_at_height = {At}");
        var offender = KeyPairFile.Read(net.Homes[DoubleSigner].PrivValidatorKeyFile).Address;
        var recorders = net.Homes.Select(_ => new EvidenceRecorderModule()).ToArray();
        ModuleSet Modules(int i) => ModuleCatalog.Create().Add(recorders[i]);

        net.SetGenesisSection(EvidenceRecorderModule.ModuleName, new Empty(), Modules(0));
        net.Start(Modules);
        // The offender double-signs at every height from At on, until a pair reaches the peers in time.
        for (var h = At + 2; h <= At + 30 && !recorders.All(r => r.Seen.Any(s => s.Value.Count > 0)); h++)
        {
            await net.WaitForHeightAsync(h);
        }

        // Every node executed the same first report, in one block after the offence.
        ulong reportedAt = 0;
        Misbehavior? first = null;
        for (var i = 0; i < recorders.Length; i++)
        {
            var (height, evidence) = recorders[i].Seen.Where(s => s.Value.Count > 0).OrderBy(s => s.Key).First();
            Assert.True(reportedAt == 0 || reportedAt == height, $"node {i} was first told at height {height}, another node at {reportedAt}");
            reportedAt = height;

            Misbehavior misbehavior = evidence[0];
            Assert.Equal(MisbehaviorKind.DuplicateVote, misbehavior.Kind);
            Assert.Equal(Convert.ToHexString(offender), Convert.ToHexString(misbehavior.ValidatorAddress));
            Assert.InRange(misbehavior.Height, At, height - 1);
            Assert.True(first is null || first.Height == misbehavior.Height);
            first = misbehavior;
            Assert.Equal(Chain.Node.Genesis.DefaultGenesis.ValidatorPower, misbehavior.ValidatorPower);
            Assert.Equal(4 * Chain.Node.Genesis.DefaultGenesis.ValidatorPower, misbehavior.TotalVotingPower);
            Assert.True(misbehavior.TimeUnixNanos > 0);
        }

        // The committed block carries the two signed prevotes themselves.
        foreach (var channel in net.Channels)
        {
            var block = (await new Blocks.BlocksClient(channel).GetBlockAsync(new GetBlockRequest { Height = reportedAt })).Block;
            DuplicateVoteEvidence duplicate = block.Evidence.Evidence[0].DuplicateVoteEvidence;
            foreach (var vote in new[] { duplicate.VoteA, duplicate.VoteB })
            {
                Assert.Equal(SignedMsgType.Prevote, vote.Type);
                Assert.Equal(first!.Height, vote.Height);
                Assert.Equal(Convert.ToHexString(offender), Convert.ToHexString(vote.ValidatorAddress.ToByteArray()));
            }

            Assert.Equal(duplicate.VoteA.Round, duplicate.VoteB.Round);
            Assert.NotEqual(BlockIdentity.Key(duplicate.VoteA.BlockId), BlockIdentity.Key(duplicate.VoteB.BlockId));
        }

        // The chain goes on (staking tombstones the offender and takes it out of the set), and every node saw the
        // same reports in the same blocks.
        await net.WaitForHeightAsync(reportedAt + 3);
        string Reports(EvidenceRecorderModule r) =>
            string.Join(";", r.Seen.Where(s => s.Key <= reportedAt + 2 && s.Value.Count > 0).OrderBy(s => s.Key).Select(s => $"{s.Key}:{string.Join(",", s.Value.Select(m => m.Height))}"));
        Assert.All(recorders, r => Assert.Equal(Reports(recorders[0]), Reports(r)));
    }
}
