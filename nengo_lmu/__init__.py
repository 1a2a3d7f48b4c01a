"""nengo-lmu: spiking Legendre Memory Units for the Nengo ecosystem."""

from .legendre import LegendreDelay, legendre_matrices, legendre_readout, pade_delay
from .lti import discretize, simulate
from .mapping import double_exp, map_continuous, map_discrete, principle3
from .networks import LegendreMemory
from .version import version as __version__
