using Chain.Client.Keys;
using Chain.Consensus.Validators;
using Chain.Node.App;
using Chain.Proto.NodeService;
using Chain.State.Modules;
using Google.Protobuf.WellKnownTypes;

namespace Chain.Node.Tests.Modules;

/// <summary>
/// A module's EndBlock changes the validator set of a real four-validator testnet (four nodes in this process, talking
/// over loopback P2P): the update returned at height H is in every node's validator set from H+2, the headers carry it,
/// and consensus keeps committing with it.
/// </summary>
public sealed class ValidatorUpdateTests
{
    private const ulong ChangeAt = 3;
    private const long NewPower = 25;
    private const long Power = Chain.Node.Genesis.DefaultGenesis.ValidatorPower;

    [Fact]
    public async Task Validator_update_from_end_block_takes_effect_two_heights_later_on_every_node()
    {
        using var temp = new TempHome();
        await using var net = await InProcessTestnet.InitAsync(temp, 4);
        var changed = KeyPairFile.Read(net.Homes[0].PrivValidatorKeyFile).PublicKey;
        var modules = net.Homes.Select(_ => new PowerChangeModule(changed, NewPower, ChangeAt)).ToArray();
        ModuleSet Modules(int i) => ModuleCatalog.Create().Add(modules[i]);

        net.SetGenesisSection(PowerChangeModule.ModuleName, new Empty(), Modules(0));
        net.Start(Modules);
        await net.WaitForHeightAsync(ChangeAt + 3);

        for (var i = 0; i < net.Channels.Count; i++)
        {
            var blocks = new Blocks.BlocksClient(net.Channels[i]);
            var before = await blocks.GetValidatorsAsync(new GetValidatorsRequest { Height = ChangeAt + 1 });
            var after = await blocks.GetValidatorsAsync(new GetValidatorsRequest { Height = ChangeAt + 2 });
            Assert.Equal(4 * Power, before.TotalVotingPower);
            Assert.Equal(Power, PowerOf(before, changed));
            Assert.Equal((3 * Power) + NewPower, after.TotalVotingPower);
            Assert.Equal(NewPower, PowerOf(after, changed));

            // The header of H+2 names the new set, and H+2 was committed by it.
            var header = (await blocks.GetBlockAsync(new GetBlockRequest { Height = ChangeAt + 2 })).Block.Header;
            var expected = ConsensusValidatorSet.FromProto(new Proto.Types.ValidatorSet { Validators = { after.Validators } }).Hash();
            Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(header.ValidatorsHash.ToByteArray()));

            // BeginBlock saw every validator of the previous height with its power, and +2/3 of them signed.
            var votes = modules[i].SeenVotes[ChangeAt + 3];
            Assert.Equal(4, votes.Count);
            Assert.Equal((3 * Power) + NewPower, votes.Sum(v => v.Power));
            Assert.True(votes.Where(v => v.Signed).Sum(v => v.Power) * 3 > ((3 * Power) + NewPower) * 2);
            Assert.Contains(votes, v => v.Power == NewPower);
            Assert.All(modules[i].SeenVotes[ChangeAt + 1], v => Assert.Equal(Power, v.Power));
        }
    }

    private static long PowerOf(GetValidatorsResponse set, byte[] publicKey) =>
        set.Validators.Single(v => v.PublicKey.Span.SequenceEqual(publicKey)).VotingPower;
}
