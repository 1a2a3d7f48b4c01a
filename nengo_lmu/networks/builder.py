"""Building a `.LegendreMemory`: the check of ``dt`` and of finite input.

`build_legendre_memory` is registered with nengo's `~nengo.builder.Builder`
for `.LegendreMemory` where that class is defined.
"""

import nengo
import numpy as np
from nengo.exceptions import SimulationError, ValidationError


class CheckFinite(nengo.builder.Operator):
    """Raise a `~nengo.exceptions.SimulationError` when ``signal`` is not finite.

    Added by the reference builder to a memory's input: a NaN or infinity
    would otherwise enter the synapse state and spread through the memory
    forever.
    """

    def __init__(self, signal, obj, tag=None):
        super().__init__(tag=tag)
        self.obj = obj
        self.sets, self.incs, self.reads, self.updates = [], [], [signal], []

    def make_step(self, signals, dt, rng):
        x = signals[self.reads[0]]
        obj = self.obj

        def step_check_finite():
            if not np.all(np.isfinite(x)):
                raise SimulationError(
                    f"{obj}: input is not finite ({x}); the memory refuses NaN or "
                    "infinite input, which would corrupt its state for good"
                )

        return step_check_finite


def build_legendre_memory(model, memory, progress=None):
    """Build a `.LegendreMemory`, checking that ``model.dt`` matches its ``dt``.

    In the reference simulator and in NengoDL the input is also checked for
    non-finite values at every step (see `.CheckFinite`).
    """
    if not np.isclose(model.dt, memory.dt, rtol=1e-9, atol=0):
        raise ValidationError(
            f"the memory was mapped for dt={memory.dt} s but the simulator runs at "
            f"dt={model.dt} s; pass dt={model.dt} to LegendreMemory",
            attr="dt",
            obj=memory,
        )
    built = nengo.builder.network.build_network(model, memory, progress=progress)
    # nengo's own builder runs the Python operator; NengoDL the TensorFlow
    # one that nengo_lmu.dl.ops registers (imported here, lazily); other
    # backends (nengo-loihi) have no place for it
    if type(model.builder).__module__.startswith("nengo_dl"):
        import nengo_lmu.dl.ops  # noqa: F401  (registers the NengoDL builder)
    elif type(model.builder) is not nengo.builder.Builder:
        return built
    model.add_op(CheckFinite(model.sig[memory.input]["out"], memory))
    return built
