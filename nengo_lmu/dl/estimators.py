"""Ready-made LMU sequence models: `LMUClassifier` and `LMURegressor`.

Thin conveniences over the parts of `nengo_lmu.dl`: each is an `LMUModel`
(``nengo_lmu.dl.sequence_model``: the settings as one `.ModelSpec`, `fit`,
`predict`, `save`, `load`) with its own loss, targets and output.
"""

import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.dl.inputs import Scaler
from nengo_lmu.dl.readout import check_labels, check_sequences
from nengo_lmu.dl.sequence_model import LMUModel
from nengo_lmu.dl.training import (
    MEMORY_SURROGATES,
    class_targets,
    classification_loss,
    regression_loss,
    regression_targets,
)


class LMUClassifier(LMUModel):
    """A sequence classifier: one or more `.LMUCell` then a dense readout.

    ``LMUClassifier(input_d, n_items, n_classes, theta_items, ...)`` takes
    the arguments of `.ModelSpec` (documented there), with ``output_d``
    named ``n_classes``, or one `.ModelSpec`. Trained with a cross-entropy
    loss on the readout after the last item (averaged as it is read, see
    ``item_readout``). Inputs are scaled, not centred (MNIST-1D and most
    classification data are centred already; scaling keeps zero input at
    zero).
    """

    output_name = "n_classes"
    #: SoftLIFRate training for classifiers: measured better (see `fit`)
    default_lif_smoothing = 0.02

    @property
    def n_classes(self):
        return self.spec.output_d

    def _check_pair(self, x, y):
        x = self._check_x(x)
        return x, check_labels(y, len(x), self.spec.output_d)

    def _training_set(self, x, y, validation_data, readout):
        x, y = self._check_pair(x, y)
        val = None
        if validation_data is not None:
            try:
                xv, yv = self._check_pair(*validation_data)
            except ValidationError as e:
                raise ValidationError(f"{e}", attr="validation_data")
            val = (xv, class_targets(yv, readout))
        loss, metrics = classification_loss(readout)
        return x, class_targets(y, readout), val, loss, metrics

    def _output(self, items):
        return items[:, -1]  # the logits after the last item

    def evaluate(self, x, y, **kwargs):
        """Accuracy of `predict` on ``(x, y)``."""
        x, y = self._check_pair(x, y)
        return float(np.mean(np.argmax(self.predict(x, **kwargs), axis=1) == y))


class LMURegressor(LMUModel):
    """A sequence-to-sequence regressor: `.LMUCell` layers, a dense readout.

    ``LMURegressor(input_d, n_items, output_d, theta_items, ...)`` takes the
    arguments of `.ModelSpec` (documented there), or one `.ModelSpec`.
    Predicts ``y[:, k]`` from the items ``x[:, :k + 1]`` at every item ``k``
    (e.g. a time series ``steps`` ahead), trained with the mean squared error
    over all items. Inputs are centred and scaled (see ``input_scale``),
    targets standardised; predictions are returned in the targets' units.
    """

    center_inputs = True
    #: set by fit: targets are standardised as (y - offset) / scale
    target_offset = 0.0
    target_scale = 1.0

    def _fitted(self):
        return dict(
            super()._fitted(),
            target_offset=self.target_offset,
            target_scale=self.target_scale,
        )

    def _check_pair(self, x, y):
        x = self._check_x(x)
        return x, self._check_y(x, y)

    def _check_y(self, x, y):
        return check_sequences(y, self.spec.n_items, self.spec.output_d, "y", len(x))

    def _training_set(self, x, y, validation_data, readout):
        x, y = self._check_pair(x, y)
        if self.params is None:
            scaler = Scaler.fit(y)
            self.target_offset = scaler.offset
            self.target_scale = 1.0 / scaler.scale

        def targets(y):
            y = (y - self.target_offset) / self.target_scale
            return regression_targets(y, readout)

        val = None
        if validation_data is not None:
            try:
                xv, yv = self._check_pair(*validation_data)
            except ValidationError as e:
                raise ValidationError(f"{e}", attr="validation_data")
            val = (xv, targets(yv))
        loss, metrics = regression_loss(readout)
        return x, targets(y), val, loss, metrics

    def _output(self, items):
        return items * self.target_scale + self.target_offset

    def nrmse(self, x, y, **kwargs):
        """RMS error of `predict` over the RMS of ``y - mean(y)``."""
        x = self._check_x(x)
        y = self._check_y(x, y)
        err = self.predict(x, **kwargs) - y
        return float(np.sqrt(np.mean(err**2)) / np.std(y))


__all__ = ["MEMORY_SURROGATES", "LMUModel", "LMUClassifier", "LMURegressor"]
