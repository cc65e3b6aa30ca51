using Chain.Proto.Genesis;
using Chain.State.Modules;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Chain.State.Tests.Modules;

public sealed class ModuleSetTests
{
    private interface IOffer;

    private sealed class Offer : IOffer;

    private static GenesisDoc Genesis(ModuleSet modules) => new() { ChainId = "t", AppState = { modules.DefaultAppState() } };

    [Fact]
    public void A_module_is_built_from_the_keepers_of_the_modules_before_it()
    {
        var offer = new Offer();
        IOffer? seen = null;
        var set = new ModuleSet()
            .Add(_ => new TestModule("first", offer))
            .Add(m =>
            {
                seen = m.Keeper<IOffer>();
                return new TestModule("second");
            });

        Assert.Same(offer, seen);
        Assert.Equal(["first", "second"], set.Names);
    }

    [Fact]
    public void A_keeper_no_earlier_module_offers_is_an_error_naming_the_modules_so_far()
    {
        var set = new ModuleSet().Add(new TestModule("first"));

        var e = Assert.Throws<InvalidOperationException>(() => set.Keeper<IOffer>());

        Assert.Contains("IOffer", e.Message);
        Assert.Contains("modules so far: first", e.Message);
    }

    [Theory]
    [InlineData("Bank")]
    [InlineData("")]
    [InlineData("9lives")]
    [InlineData("a-b")]
    public void Module_names_are_lower_case_letters_and_digits(string name) =>
        Assert.Throws<ArgumentException>(() => new ModuleSet().Add(new TestModule(name)));

    [Fact]
    public void Two_modules_of_one_name_are_refused() =>
        Assert.Throws<ArgumentException>(() => new ModuleSet([new TestModule("bank"), new TestModule("bank")]));

    [Fact]
    public void Default_app_state_has_one_section_per_module_in_order_and_validates()
    {
        var set = new ModuleSet([new TestModule("bank"), new TestModule("market")]);
        var genesis = Genesis(set);

        Assert.Equal(["bank", "market"], genesis.AppState.Select(s => s.Module));
        Assert.True(set.ValidateGenesis(genesis).IsOk);
        Assert.True(set.TryDecode(genesis, out var sections).IsOk);
        Assert.Equal(7UL, ((UInt64Value)sections[1]).Value);
    }

    [Fact]
    public void Sections_in_another_order_are_decoded_in_module_order()
    {
        var set = new ModuleSet([new TestModule("bank"), new TestModule("market")]);
        var genesis = new GenesisDoc();
        genesis.AppState.Add(new ModuleGenesis { Module = "market", State = new UInt64Value { Value = 2 }.ToByteString() });
        genesis.AppState.Add(new ModuleGenesis { Module = "bank", State = new UInt64Value { Value = 1 }.ToByteString() });

        Assert.True(set.TryDecode(genesis, out var sections).IsOk);
        Assert.Equal([1UL, 2UL], sections.Select(s => ((UInt64Value)s).Value));
    }

    [Fact]
    public void Unknown_repeated_missing_and_undecodable_sections_are_errors_naming_the_section()
    {
        var set = new ModuleSet([new TestModule("bank"), new TestModule("market")]);

        var unknown = Genesis(set);
        unknown.AppState.Add(new ModuleGenesis { Module = "oracle" });
        Assert.Contains("app_state.oracle: this chain has no module named 'oracle' (its modules: bank, market)", set.ValidateGenesis(unknown).Log);

        var twice = Genesis(set);
        twice.AppState.Add(twice.AppState[0].Clone());
        Assert.Contains("app_state.bank: the section appears twice", set.ValidateGenesis(twice).Log);

        var missing = Genesis(set);
        missing.AppState.RemoveAt(0);
        Assert.Contains("app_state.bank: the section is missing", set.ValidateGenesis(missing).Log);

        var garbage = Genesis(set);
        garbage.AppState[1].State = ByteString.CopyFrom(0xFF, 0xFF, 0xFF);
        Assert.Contains("app_state.market: not a valid google.protobuf.UInt64Value", set.ValidateGenesis(garbage).Log);
    }

    [Fact]
    public void A_module_refusing_its_section_fails_validation_with_its_message()
    {
        var set = new ModuleSet([new TestModule("bank"), new TestModule("market")]);
        var genesis = Genesis(set);
        AppStateSections.Set(genesis, "market", new UInt64Value { Value = 5000 });

        var r = set.ValidateGenesis(genesis);

        Assert.False(r.IsOk);
        Assert.Equal("app_state.market.value must be at most 1000", r.Log);
    }
}
