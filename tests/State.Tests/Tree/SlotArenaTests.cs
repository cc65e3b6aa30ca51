using Chain.State.Tree;
using CsCheck;

namespace Chain.State.Tests.Tree;

public sealed class SlotArenaTests
{
    [Fact]
    public void Slots_in_use_never_overlap_and_keep_their_bytes_while_others_come_and_go()
    {
        Gen.Select(Gen.Int[1, SlotArena.MaxLength].Array[1, 400], Gen.Int[0, 3].Array[400]).Sample((lengths, actions) =>
        {
            var arena = new SlotArena();
            var live = new List<(SlotArena.Slot Slot, byte Fill)>();
            byte fill = 0;
            for (var i = 0; i < lengths.Length; i++)
            {
                if (actions[i] == 0 && live.Count > 0)
                {
                    var index = lengths[i] % live.Count;
                    arena.Free(live[index].Slot);
                    live.RemoveAt(index);
                    continue;
                }

                var slot = arena.Allocate(lengths[i]);
                Assert.Equal(lengths[i], arena.Get(slot).Length);
                arena.Get(slot).Fill(++fill);
                live.Add((slot, fill));
            }

            foreach (var (slot, value) in live)
            {
                Assert.True(arena.Get(slot).IndexOfAnyExcept(value) < 0, "a slot's bytes were overwritten by another slot");
            }

            Assert.Equal(live.Sum(l => (long)SlotArena.SlotSize(l.Slot.Length)), arena.BytesInUse);
            Assert.True(arena.BytesHeld >= arena.BytesInUse);
        }, iter: 300);
    }

    [Fact]
    public void A_freed_slot_is_reused_by_its_size_class_and_lengths_out_of_range_are_refused()
    {
        var arena = new SlotArena();
        var first = arena.Allocate(200);
        arena.Free(first);
        var again = arena.Allocate(129);
        Assert.Equal((first.Class, first.Index), (again.Class, again.Index));
        Assert.Equal(256, SlotArena.SlotSize(129));
        Assert.Equal(256L << 10, arena.BytesHeld);

        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Allocate(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Allocate(SlotArena.MaxLength + 1));
        Assert.Equal(SlotArena.MaxLength, arena.Get(arena.Allocate(SlotArena.MaxLength)).Length);
    }
}
