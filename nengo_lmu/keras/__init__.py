"""Train LMUs in Keras (on any TensorFlow distribution strategy), deploy as spikes.

Imported only when needed (``import nengo_lmu.keras``); the parts that need
TensorFlow and keras-lmu (``pip install nengo-lmu[keras]``) load them when
first used:

- `LIFActivation` (``nengo_lmu.keras.activation``): the LIF rate curve (or
  its smoothed SoftLIF version) as a Keras activation, with nengo's LIF
  parameters, so that a keras-lmu hidden layer is a population of LIF
  neurons;
- `cell_kwargs_from_keras`, `from_keras_lmu`, `memory_state_scale_from_keras`
  (``nengo_lmu.keras.convert``): a keras-lmu ``LMU`` layer as an
  `.LMUCell` (spiking LIF for an `LIFActivation`);
- `LowpassRNNCell` (``nengo_lmu.keras.cells``): a recurrent hidden cell
  whose loop passes through a lowpass, as the native recipe's does (its
  spiking network keeps the trained function at several steps per item);
- `keras_classifier`, `ReadoutWindow`, `classifier_from_keras`
  (``nengo_lmu.keras.classifier``): a Keras sequence classifier, and the
  trained model as an `nengo_lmu.dl.LMUClassifier` to run with spikes,
  fine-tune in NengoDL, save and deploy.
"""

from nengo_lmu.keras.convert import (
    ACTIVATIONS,
    cell_kwargs_from_keras,
    from_keras_lmu,
    hidden_activation,
    memory_state_scale_from_keras,
)

#: names loaded from their TensorFlow-importing modules on first use
_LAZY = {
    "LIFActivation": "nengo_lmu.keras.activation",
    "LowpassRNNCell": "nengo_lmu.keras.cells",
    "ReadoutWindow": "nengo_lmu.keras.classifier",
    "keras_classifier": "nengo_lmu.keras.classifier",
    "classifier_from_keras": "nengo_lmu.keras.classifier",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
