"""Pure exam logic: blueprints, assembly, attempt rules, scoring.

Standard library only. No I/O, no clock, no randomness of its own: callers pass `now` and `rng` in.
"""
