"""Networks built from the Legendre delay system."""

from .legendre_memory import LegendreMemory
from .lmu_cell import LMUCell
from .memory_spec import MemorySpec
from .scalings import CovarianceScaling, FixedScaling, ProcessScaling, WindowBound
