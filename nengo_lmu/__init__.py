"""nengo-lmu: spiking Legendre Memory Units for the Nengo ecosystem."""

from .legendre import LegendreDelay, legendre_matrices, legendre_readout, pade_delay
from .lti import discretize, simulate
from .mapping import double_exp, map_continuous, map_discrete, principle3
from .networks import (
    CovarianceScaling,
    FixedScaling,
    LegendreMemory,
    ProcessScaling,
    WindowBound,
)
from .version import version as __version__

# nengo-loihi cannot run a nengo-lmu network as a plain network: importing
# nengo_lmu.loihi (which itself imports no nengo_loihi) registers, with
# nengo-loihi's builder, a build function that refuses a plain
# nengo_loihi.Simulator and names the fix, as soon as nengo_loihi is imported
from . import loihi  # noqa: E402, F401
