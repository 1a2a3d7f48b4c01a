"""nengo-loihi's build functions for nengo-lmu's networks.

Importing this module registers, with nengo-loihi's builder, one build
function for `.LegendreMemory` and `.LMUCell`: it checks the time step and
refuses a plain ``nengo_loihi.Simulator`` (which would run the memory wrong:
see `.build_loihi`), naming the fix. `nengo_lmu.loihi` imports this module
as soon as ``nengo_loihi`` is imported. It imports nothing else of
``nengo_lmu.loihi`` at import time (so it can be imported while
``nengo_loihi`` is still being imported by one of them).
"""

import contextvars

import nengo
import nengo_loihi

from nengo_lmu.networks.legendre_memory import LegendreMemory
from nengo_lmu.networks.lmu_cell import LMUCell

#: Set while `.build_loihi` builds (the registered build function reads it).
BUILDING = contextvars.ContextVar("nengo_lmu_build_loihi", default=False)


def _build_on_loihi(model, network, **kwargs):
    """nengo-loihi's build function for nengo-lmu networks: checks the time
    step, refuses a build not made by `.build_loihi`, else builds the network
    as nengo-loihi builds any network."""
    from nengo_lmu.loihi.checks import LoihiMappingError, check_dt_matches

    check_dt_matches(network, model.dt)
    if not BUILDING.get():
        kind = type(network).__name__
        raise LoihiMappingError(
            f"{network}: a plain nengo_loihi.Simulator runs a {kind} wrong (its "
            "probed output port is removed with the passthrough nodes and reads 0, "
            "and its input is filtered twice, on the host and on the chip); build "
            "it with nengo_lmu.loihi.build_loihi(model, dt=..., target=...), which "
            "returns the nengo_loihi.Simulator of a copy prepared for the chip"
        )
    return nengo_loihi.builder.Builder.builders[nengo.Network](model, network, **kwargs)


def _register():
    builders = nengo_loihi.builder.Builder.builders
    for cls in (LegendreMemory, LMUCell):
        if cls not in builders:
            nengo_loihi.builder.Builder.register(cls)(_build_on_loihi)


_register()
