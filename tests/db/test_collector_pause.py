"""The exam start pauses the cyclic garbage collector while it builds the pool; it must always hand the
collector back as it found it, even when the start fails."""

import gc

import pytest

from app.db.attempts import _collector_paused


def test_the_collector_is_paused_inside_and_enabled_again_after():
    assert gc.isenabled()
    with _collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_failing_start_still_enables_the_collector_again():
    with pytest.raises(RuntimeError), _collector_paused():
        raise RuntimeError("bank too small")
    assert gc.isenabled()


def test_a_nested_pause_leaves_the_collector_to_the_outer_one():
    with _collector_paused():
        with _collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_disabled_by_someone_else_stays_disabled():
    gc.disable()
    try:
        with _collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
