"""Pickling a `GovernanceModel` by replay: what made the run, not its live objects.

Mesa models hold agent sets, data collectors and compiled kernels that do not pickle. A govsim
run is a pure function of its constructor arguments and seed (all randomness comes from the
model's seeded Generator), so a model pickles as its *recipe* (parameters, timeline, calendar,
municipalities, strategy, backend, seed) plus the number of months run, and unpickling runs it
again to the same month: the same numbers, byte for byte.

A model changed by hand after it was made (a lever or a parameter set between steps) cannot be
replayed from its recipe. Pickling checks this by replaying at once and comparing a
fingerprint of the state (every municipality, staff and citizen array, the random streams);
if they differ it raises `ModelNotPicklable` saying how to keep such a run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields, is_dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from govsim.model.governance_model import GovernanceModel

CHANGED_BY_HAND = (
    "this GovernanceModel cannot be pickled: it was changed after it was made (a lever, a "
    "parameter or the state set by hand between steps), so running its recipe again does not "
    "give the same state. Keep such a run as data instead: model.national_series() and "
    "model.snapshot() are pandas frames; for ensembles use govsim.run(...).save(folder) and "
    "govsim.load(folder). To change choices during a run reproducibly, put them in the "
    "scenario's timeline or [[strategy]] tables."
)

NO_SEED_SEQUENCE = (
    "this GovernanceModel cannot be pickled: its random Generator was made without a "
    "SeedSequence, so its child streams cannot be made again. Give the model an integer seed "
    "(GovernanceModel(rng=42)) or a Generator from numpy.random.default_rng(seed)."
)


class ModelNotPicklable(TypeError):
    """A model whose state its recipe does not reproduce (changed by hand)."""


def _arrays(obj: Any) -> list[np.ndarray]:
    if not is_dataclass(obj):
        return []
    return [v for f in fields(obj) if isinstance(v := getattr(obj, f.name), np.ndarray)]


def fingerprint(model: GovernanceModel) -> str:
    """SHA-256 over the model's state arrays, its random streams and its month.

    The arrays of the municipalities, secretaries, colleges, councils, staff, citizens and
    levers, the last month's participation and the team adoption, and the compiled timeline
    the steps read (so a ``model.timeline`` replaced by hand, which the steps do not see but a
    replay would, counts as a change by hand).
    """
    digest = hashlib.sha256(str(model.steps).encode())
    for part in (
        model.municipalities,
        model.state,
        model.secretaries,
        model.colleges,
        model.councils,
        model.staff,
        model.citizens,
        model.levers,
        model.last_participation,
        model.compiled,
    ):
        for values in _arrays(part):
            digest.update(np.ascontiguousarray(values).tobytes())
    digest.update(np.ascontiguousarray(model.team_adoption).tobytes())
    streams = {name: g.bit_generator.state for name, g in model.streams.items()}
    digest.update(json.dumps(streams, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def replay(recipe: dict[str, Any], steps: int) -> GovernanceModel:
    """A new model from ``recipe`` (see `GovernanceModel.recipe`), run ``steps`` months."""
    from govsim.model.governance_model import GovernanceModel

    rng: Any = recipe["seed"]
    if rng is None:
        seq = recipe["seed_sequence"]
        if seq is None:
            raise ModelNotPicklable(NO_SEED_SEQUENCE)
        bits = getattr(np.random, recipe["rng_state"]["bit_generator"])(
            np.random.SeedSequence(**seq)
        )
        bits.state = recipe["rng_state"]
        rng = np.random.Generator(bits)
    model = GovernanceModel(
        recipe["params"],
        recipe["timeline"],
        rng=rng,
        calendar=recipe["calendar"],
        municipalities=recipe["municipalities"],
        strategy=recipe["strategy"],
        backend=recipe["backend"],
        collect=recipe["collect"],
    )
    for _ in range(steps):
        model.step()
    return model


def _restore(recipe: dict[str, Any], steps: int, expected: str) -> GovernanceModel:
    model = replay(recipe, steps)
    if fingerprint(model) != expected:  # pragma: no cover - checked when pickling
        raise ModelNotPicklable(CHANGED_BY_HAND)
    return model


def reduce_model(model: GovernanceModel) -> tuple[Any, tuple[Any, ...]]:
    """``__reduce__`` of a model: replay its recipe; raises `ModelNotPicklable` if it cannot."""
    recipe = model.recipe()
    if recipe["seed"] is None and recipe["seed_sequence"] is None:
        raise ModelNotPicklable(NO_SEED_SEQUENCE)
    expected = fingerprint(model)
    if fingerprint(replay(recipe, model.steps)) != expected:
        raise ModelNotPicklable(CHANGED_BY_HAND)
    return _restore, (recipe, model.steps, expected)
