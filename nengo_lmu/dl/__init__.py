"""Train LMU cells in NengoDL and run them with spikes.

Imported only when NengoDL is used (``import nengo_lmu.dl``); the rest of the
package never imports TensorFlow. The parts, each usable in a plain NengoDL
workflow:

- `configure_trainable`, `rate_version` (``nengo_lmu.dl.config``): what
  NengoDL trains (never the Legendre memory) and the rate curves spiking
  neurons train through;
- `repeat_items`, `pad_items`, `Scaler`, `memory_state_scale`,
  `memory_covariance` (``nengo_lmu.dl.inputs``): sequences as simulator
  steps, fitted scalers, the memory's state scale and state covariance from
  data (`.LMUCell.input_memory_states` gives the precomputed memory);
- `compensated_synapse`, `run_sequences` (``nengo_lmu.dl.deploy``): a
  trained model rebuilt at a finer ``dt`` with spikes, and run on a batch of
  sequences in ``nengo_dl`` or ``nengo``;
- `save_model`, `load_model` (``nengo_lmu.dl.persist``): one file with the
  settings, scalers, weights and version;
- `ModelSpec`, `LayerSpec` (``nengo_lmu.dl.spec``): a sequence model's
  settings, declared once as frozen nengo Params;
- `build_network`, `read_params` (``nengo_lmu.dl.network``): the model of a
  spec, for training or for deployment, and its trained parameters;
- `ItemReadout` (``nengo_lmu.dl.readout``): where and how each item's
  prediction is read from the readout, in losses and in evaluation;
- `recipe_optimizer`, `classification_loss`, `regression_loss`,
  `training_inputs`, `EpochTimer`, `train` (``nengo_lmu.dl.training``): what
  to give an ordinary ``sim.compile`` and ``sim.fit``;
- `LMUClassifier`, `LMURegressor` (``nengo_lmu.dl.estimators``): the ready
  models built from those parts.

The workflow by hand (``examples/train_nengo_dl_by_hand.py`` runs it):

1. Declare the model as a `ModelSpec` and build its training network with
   `build_network` (``rate=True, training=True``; with
   ``external_memory=True`` the first memory's states are an input that
   `training_inputs` computes); call `configure_trainable` on it. (Or build
   any network with `.LMUCell`.)
2. ``nengo_dl.Simulator(model, dt=item_duration, minibatch_size=...)``,
   ``sim.compile`` (`recipe_optimizer`, `classification_loss` of an
   `ItemReadout`) and ``sim.fit`` (with any Keras callbacks): each
   sequence item is one simulator step; spiking neurons train through
   their rate curves.
3. ``sim.freeze_params(trained_objects(built))`` writes the trained values
   back into the Nengo objects; `read_params` reads them.
4. Rebuild the model at ``dt = item_duration / steps_per_item`` with the
   trained parameters (`build_network` with ``steps_per_item``: a
   recurrent cell's loop compensated by `compensated_synapse`) and run it
   with spiking neurons in ``nengo_dl.Simulator``, ``nengo.Simulator`` or
   on Loihi; read it with ``ItemReadout(spec, steps_per_item, spiking=True)``.
"""

from nengo_lmu.dl.config import configure_trainable, rate_version
from nengo_lmu.dl.deploy import SIMULATORS, compensated_synapse, run_sequences
from nengo_lmu.dl.estimators import LMUClassifier, LMUModel, LMURegressor
from nengo_lmu.dl.inputs import (
    Scaler,
    memory_covariance,
    memory_state_scale,
    pad_items,
    repeat_items,
)
from nengo_lmu.dl.network import (
    Built,
    build_network,
    faster_relu,
    hidden_rate_factor,
    measure_hidden_rates,
    read_params,
    trained_objects,
)
from nengo_lmu.dl.persist import load_model, save_model
from nengo_lmu.dl.readout import ItemReadout
from nengo_lmu.dl.spec import LayerSpec, ModelSpec
from nengo_lmu.dl.training import (
    MEMORY_SURROGATES,
    EpochTimer,
    class_targets,
    classification_loss,
    recipe_optimizer,
    regression_loss,
    regression_targets,
    train,
    training_inputs,
)
