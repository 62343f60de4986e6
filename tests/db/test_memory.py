"""The bounded memory behind each app's caches."""

from app.db.memory import Bounded


def test_a_full_memory_forgets_its_oldest_entry_first():
    memory = Bounded(2)
    memory.put("a", 1)
    memory.put("b", 2)
    assert memory.put("c", 3) == 3
    assert dict(memory) == {"b": 2, "c": 3}


def test_replacing_an_entry_forgets_nothing_else():
    memory = Bounded(2)
    memory.put("a", 1)
    memory.put("b", 2)
    memory.put("b", 20)
    assert dict(memory) == {"a": 1, "b": 20}
