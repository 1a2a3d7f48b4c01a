"""Run nengo-lmu networks on Loihi (``nengo_loihi``): one preset, checks, builds.

The one path::

    import nengo
    from nengo_lmu import LegendreMemory
    from nengo_lmu.loihi import build_loihi, loihi_memory_kwargs

    dt = 0.0005
    with nengo.Network(seed=0) as model:
        stim = nengo.Node(nengo.processes.WhiteSignal(10, high=3, rms=0.3))
        process = nengo.processes.WhiteSignal(10, high=3, rms=0.3)
        memory = LegendreMemory(
            0.1,
            3,
            384,
            **loihi_memory_kwargs(dt, scaling=process, order=3, theta=0.1),
        )
        nengo.Connection(stim, memory.input, synapse=None)
        probe = nengo.Probe(memory.output, synapse=0.01)
    with build_loihi(model, dt=dt, target="sim") as sim:
        sim.run(1.0)
    sim.data[probe]

`loihi_memory_kwargs` (the preset, in `nengo_lmu.loihi.preset`) does not
import ``nengo_loihi``; the rest (`build_loihi`, `check_loihi`,
`configure_for_loihi`, `to_loihi_neurons`, `resources`,
`LoihiMappingError`) is imported from ``nengo_lmu.loihi.checks`` and
``nengo_lmu.loihi.build`` on first use. Once ``nengo_loihi`` is imported
(before or after this package), nengo-loihi's builder refuses a nengo-lmu
network given to a plain ``nengo_loihi.Simulator``, or built at another time
step than it was mapped for, with a `LoihiMappingError` naming the fix.
Nothing here changes nengo's global defaults (no
``nengo_loihi.set_defaults()``), patches a library or changes the caller's
network.
"""

import importlib
import importlib.abc
import importlib.util
import sys
import warnings

from nengo_lmu.loihi.preset import loihi_cell_kwargs, loihi_memory_kwargs

__all__ = [
    "LoihiMappingError",
    "LoihiSimulator",
    "build_loihi",
    "check_loihi",
    "configure_for_loihi",
    "loihi_cell_kwargs",
    "loihi_memory_kwargs",
    "resources",
    "to_loihi_neurons",
]

_LAZY = {
    "LoihiMappingError": "checks",
    "check_loihi": "checks",
    "configure_for_loihi": "checks",
    "LoihiSimulator": "build",
    "build_loihi": "build",
    "resources": "build",
    "to_loihi_neurons": "build",
}


def __getattr__(name):
    if name in _LAZY:
        module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))


class _RegisterWithNengoLoihi(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import ``nengo_lmu.loihi.register`` (which registers nengo-lmu's build
    functions with nengo-loihi's builder) right after ``nengo_loihi`` is
    imported. Finds nothing itself: it wraps the spec that the other finders
    return for ``nengo_loihi``, once, and then leaves ``sys.meta_path``."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "nengo_loihi":
            return None
        _remove_finder()
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        self._loader = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        try:
            importlib.import_module(f"{__name__}.register")
        except Exception as e:  # never break the import of nengo_loihi
            warnings.warn(
                f"nengo_lmu.loihi could not register its nengo-loihi checks ({e!r})"
            )


def _remove_finder():
    for finder in list(sys.meta_path):
        if isinstance(finder, _RegisterWithNengoLoihi):
            sys.meta_path.remove(finder)


if "nengo_loihi" in sys.modules:
    importlib.import_module(f"{__name__}.register")
elif not any(isinstance(f, _RegisterWithNengoLoihi) for f in sys.meta_path):
    sys.meta_path.insert(0, _RegisterWithNengoLoihi())
