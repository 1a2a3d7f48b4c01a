"""NengoDL builders for the operators of nengo-lmu's networks.

Importing this module registers them with NengoDL; the `.LegendreMemory`
builder imports it when NengoDL builds a memory, so users never need to.
"""

import nengo_dl
import tensorflow as tf

from nengo_lmu.networks.builder import CheckFinite


@nengo_dl.builder.Builder.register(CheckFinite)
class CheckFiniteBuilder(nengo_dl.builder.OpBuilder):
    """Stops a NengoDL run when a memory's input is not finite.

    A NaN or infinity would otherwise enter the memory's synapse state and
    spread through its state for the rest of the run (the reference
    simulator raises a `~nengo.exceptions.SimulationError`; NengoDL raises
    TensorFlow's ``InvalidArgumentError`` with the same message).
    """

    def build_pre(self, signals, config):
        super().build_pre(signals, config)
        self.data = signals.combine([op.reads[0] for op in self.ops])
        names = ", ".join(str(op.obj) for op in self.ops)
        self.message = (
            f"{names}: input is not finite; the memory refuses NaN or infinite "
            "input, which would corrupt its state for good"
        )

    def build_step(self, signals):
        return tf.debugging.assert_all_finite(signals.gather(self.data), self.message)

    @staticmethod
    def mergeable(x, y):
        return True
