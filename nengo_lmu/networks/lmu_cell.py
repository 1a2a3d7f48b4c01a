"""The Legendre Memory Unit cell as a (spiking) Nengo network."""

import inspect

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.legendre import LegendreDelay
from nengo_lmu.lti import discretize, simulate
from nengo_lmu.networks.cell_kernels import KERNELS, full_transform, init_kernels
from nengo_lmu.networks.cell_spec import (
    DEFAULT_HIDDEN_NEURON,
    HIDDEN_CELLS,
    CellSpec,
)
from nengo_lmu.networks.legendre_memory import LegendreMemory
from nengo_lmu.scaling import check_scale

#: the memory's discretizer unless ``memory_kwargs`` give another (declared
#: by `.LegendreMemory`)
_MEMORY_DISCRETIZER = (
    inspect.signature(LegendreMemory).parameters["discretizer"].default
)

__all__ = ["LMUCell", "CellSpec", "KERNELS", "DEFAULT_HIDDEN_NEURON", "HIDDEN_CELLS"]


class LMUCell(nengo.Network):
    """A Legendre Memory Unit: a spiking Legendre memory and a hidden layer.

    Implements the LMU equations (Voelker, Kajić & Eliasmith, 2019) with the
    memory realised as a `.LegendreMemory` and the hidden layer as a
    population of ``hidden_units`` neurons (spiking LIF by default)::

        u_t = e_x x_t + e_h h_{t-1} + e_m m_{t-1}
        m_t = A m_{t-1} + B u_t            (A, B fixed: the Legendre system)
        h_t = f(W_x x_t + W_h h_{t-1} + W_m m_t + b)

    The encoders ``e_*``, kernels ``W_*`` and bias ``b`` are trainable (in
    NengoDL, see `nengo_lmu.dl`); the memory's own transforms and decoders are
    not. Names follow keras-lmu, but time is in seconds: ``theta`` is the
    window in seconds, and one sequence step lasts ``dt * steps_per_item``
    when the caller presents each item for ``steps_per_item`` simulator steps.

    Timing: the network's hidden output at simulator step ``k`` is the ideal
    cell's ``h`` after the input of step ``k - 1`` (the memory's synapse adds
    one step of delay; the input and recurrent paths to the hidden layer are
    given the same delay so that the equations above hold exactly). The
    hidden state before the first item is ``f(b)`` (the hidden layer's
    response to an empty memory), not 0.

    Parameters
    ----------
    input_d : int
        Size of the input ``x``.
    memory_d : int
        Number of memory channels (size of ``u``).
    order : int
        Legendre coefficients per memory channel.
    theta : float
        Memory window in seconds.
    hidden_units : int
        Number of hidden neurons (size of ``h``).
    n_neurons : int, optional
        Total neurons of the memory (default ``20 * memory_d * order``).
    hidden_cell : {"dense", "rnn"}
        ``"rnn"`` adds the recurrent kernel ``W_h`` (keras' SimpleRNNCell);
        ``"dense"`` (default) has none (keras' Dense). The recurrent kernel
        acts once per simulator step, so an ``"rnn"`` cell computes the LMU
        equations only with one step per sequence item; a ``"dense"`` cell
        (whose only dynamics are the memory's, exact at any ``dt``) keeps
        its trained behaviour when run with several steps per item, as
        spiking evaluation needs (measured on a toy task: spiking accuracy
        0.975 vs rate 1.0 for dense, 0.76 vs 1.0 for rnn, at 10 steps/item).
        That is why ``"dense"`` stays the default although the examples
        and benches choose ``"rnn"`` (the architecture of their keras-lmu
        peers): the default cell computes the same function at every
        ``dt``, whoever runs it, while a recurrent cell run at several steps
        per item needs its loop compensated (`nengo_lmu.dl.compensated_synapse`,
        which the estimators apply: on MNIST-1D at 50 steps per item,
        spiking accuracy 0.867 with it, 0.803 without), a choice made
        together with ``"rnn"``.
    hidden_to_memory, memory_to_memory, input_to_hidden : bool
        Add the optional ``e_h``, ``e_m`` and ``W_x`` paths.
    hidden_neuron_type : nengo.neurons.NeuronType, optional
        Neurons of the hidden layer; default ``nengo.LIF(amplitude=0.01)``.
        Any nengo neuron type is allowed (``nengo.neurons.Tanh()`` gives the
        classic rate LMU).
    hidden_synapse : float or nengo.Lowpass or None
        Synapse on the paths out of the hidden layer that feed back into the
        cell (``W_h``, ``e_h``). ``0`` (default) is the one-step delay of the
        equations; spiking cells may prefer a short lowpass.
    hidden_input_synapse : float or nengo.Lowpass or None
        Synapse on the paths into the hidden layer from the memory (``W_m``)
        and the input (``W_x``). ``None`` (default) is the equations (``W_x``
        then has the one-step delay that aligns it with the memory). Loihi
        filters all inputs of a population with one synapse: an ``"rnn"``
        cell with a lowpass ``hidden_synapse`` runs there only with
        ``hidden_input_synapse=hidden_synapse`` (`nengo_lmu.loihi` checks);
        train it so, since the lowpass changes the function the cell computes.
    memory_neuron_type : nengo.neurons.NeuronType, optional
        Neurons of the memory (default LIF as in `.LegendreMemory`;
        ``nengo.Direct()`` gives the exact linear memory).
    memory_synapse : float
        Synapse of the memory, seconds.
    dt : float
        Simulator time step, seconds.
    memory_kernel_scale : (memory_d * order,) array_like, optional
        Trains ``W_m`` in units of ``m / memory_kernel_scale``: the hidden
        layer reads the memory through a fixed (untrainable) diagonal
        ``1 / memory_kernel_scale`` and a trainable kernel
        ``W_m * memory_kernel_scale``. Same network and same kernels (all
        read and given in ``m``'s units); only the training's step sizes
        change. Legendre coefficients of a smooth input shrink with their
        index, so a kernel trained on the raw ``m`` learns the high
        coefficients slowly; give their typical size (e.g. the RMS of ``m``
        on the training data) to even that out. Meant for training (as
        `nengo_lmu.dl`'s ``normalize_memory`` uses it): deploy the trained
        kernels in a cell without it, which has no extra node. ``None``
        (default): the kernel reads ``m`` directly.
    kernels : dict, optional
        Initial values of the trainable parameters (see `KERNELS`); missing
        ones are initialised by `.init_kernels` (random unit-norm input
        encoder rows: the memory expects ``|u| <= 1``, so scale inputs into
        ``[-1, 1]``).
    memory_kwargs : dict, optional
        Extra arguments of the `.LegendreMemory` (e.g. ``scaling``,
        ``max_rates``).
    external_memory : bool
        Leave the memory out (default False): the input encoders then read
        `input_memory`, a node that the caller drives with the memory of
        each input dimension (`input_memory_states` computes it, exactly),
        and write `memory_state` (by linearity, the memory of ``e_x x`` is
        ``e_x`` applied to the memory of ``x``). Without ``hidden_to_memory``
        and ``memory_to_memory`` the memory's state depends on the input
        alone and its dynamics have no trainable parts, so a training can
        compute them once per data set instead of simulating them at every
        step (`nengo_lmu.dl`'s ``memory_surrogate="precomputed"``); the same
        parameters train. Only ``discretizer`` of ``memory_kwargs`` matters
        here.
    hidden_kwargs : dict, optional
        Extra arguments of the hidden `nengo.Ensemble`.
    label, seed, add_to_container
        As for `nengo.Network`.

    Attributes
    ----------
    spec : CellSpec
        The validated settings (immutable; equal specs are equal cells).
    input : nengo.Node
        Input ``x``, size ``input_d``.
    output : nengo.Node
        The hidden layer ``h`` (scaled neuron output), size ``hidden_units``.
    memory : LegendreMemory or None
        The memory (None with ``external_memory``).
    memory_state : nengo.Node
        ``m`` (size ``memory_d * order``) as the hidden layer reads it:
        ``memory.state``, or with ``external_memory`` the encoders' output.
    input_memory : nengo.Node or None
        With ``external_memory``: the node to drive with
        `input_memory_states` (size ``input_d * order``); else None.
    hidden : nengo.Ensemble
        The hidden neurons.
    trainable_connections : dict
        The trainable connections, keyed like `KERNELS` (bias excepted).
    memory_normalize_conn : nengo.Connection or None
        The fixed ``1 / memory_kernel_scale`` diagonal (``None`` without it).
    """

    def __init__(
        self,
        input_d,
        memory_d,
        order,
        theta,
        hidden_units,
        n_neurons=None,
        hidden_cell="dense",
        hidden_to_memory=False,
        memory_to_memory=False,
        input_to_hidden=False,
        hidden_neuron_type=None,
        hidden_synapse=0,
        hidden_input_synapse=None,
        memory_neuron_type=None,
        memory_synapse=0.1,
        dt=0.001,
        memory_kernel_scale=None,
        kernels=None,
        memory_kwargs=None,
        hidden_kwargs=None,
        external_memory=False,
        label=None,
        seed=None,
        add_to_container=None,
    ):
        super().__init__(label=label, seed=seed, add_to_container=add_to_container)
        memory_kwargs = {} if memory_kwargs is None else dict(memory_kwargs)
        hidden_kwargs = {} if hidden_kwargs is None else dict(hidden_kwargs)
        if memory_neuron_type is not None:
            memory_kwargs["neuron_type"] = memory_neuron_type
        self.spec = CellSpec(
            input_d,
            memory_d,
            order,
            theta,
            hidden_units,
            hidden_cell=hidden_cell,
            hidden_to_memory=hidden_to_memory,
            memory_to_memory=memory_to_memory,
            input_to_hidden=input_to_hidden,
            external_memory=external_memory,
            hidden_neuron_type=(
                DEFAULT_HIDDEN_NEURON
                if hidden_neuron_type is None
                else hidden_neuron_type
            ),
            hidden_synapse=hidden_synapse,
            hidden_input_synapse=hidden_input_synapse,
            dt=dt,
            discretizer=memory_kwargs.get("discretizer", _MEMORY_DISCRETIZER),
        )
        s = self.spec
        input_d, memory_d, order, hidden_units = (
            s.input_d,
            s.memory_d,
            s.order,
            s.hidden_units,
        )
        hidden_neuron_type = s.hidden_neuron_type
        hidden_synapse, hidden_input_synapse = s.hidden_synapse, s.hidden_input_synapse
        D = s.state_d
        if n_neurons is None:
            n_neurons = 20 * D
        kernels = init_kernels(s, kernels, seed=self.seed, obj=self)
        if memory_kernel_scale is not None:
            memory_kernel_scale = check_scale(
                memory_kernel_scale, D, attr="memory_kernel_scale", obj=self
            )
        self.memory_kernel_scale = memory_kernel_scale

        # output scale of the hidden neurons: Tanh outputs tanh(J) / tau_ref
        scale = (
            hidden_neuron_type.tau_ref
            if isinstance(hidden_neuron_type, nengo.neurons.Tanh)
            else 1.0
        )
        self.hidden_scale = scale
        with self:
            self.input = nengo.Node(size_in=input_d, label="input")
            self.output = nengo.Node(size_in=hidden_units, label="output")
            if s.external_memory:
                self.memory = None
                self.input_memory = nengo.Node(
                    size_in=input_d * order, label="input_memory"
                )
                self.memory_state = nengo.Node(size_in=D, label="memory_state")
            else:
                self.input_memory = None
                self.memory = LegendreMemory(
                    theta,
                    order,
                    n_neurons,
                    synapse=memory_synapse,
                    dt=dt,
                    memory_d=memory_d,
                    label="memory",
                    **memory_kwargs,
                )
                self.memory_state = self.memory.state
            hidden_kwargs.setdefault("gain", nengo.dists.Choice([1.0]))
            self.hidden = nengo.Ensemble(
                hidden_units,
                1,
                neuron_type=hidden_neuron_type,
                bias=kernels["hidden_bias"],
                label="hidden",
                **hidden_kwargs,
            )
            self.output_conn = nengo.Connection(
                self.hidden.neurons, self.output, transform=scale, synapse=None
            )
            c = self.trainable_connections = {}
            if s.external_memory:
                # by linearity the memory of e_x x is e_x applied to the
                # memory of each input dimension: the same encoders for
                # every Legendre coefficient, i.e. a 1-wide convolution over
                # the coefficients (channels first: channel-major in and out)
                c["input_encoders"] = nengo.Connection(
                    self.input_memory,
                    self.memory_state,
                    transform=nengo.Convolution(
                        memory_d,
                        (input_d, order),
                        kernel_size=(1,),
                        strides=(1,),
                        channels_last=False,
                        init=kernels["input_encoders"].T[None],
                    ),
                    synapse=None,
                )
            else:
                c["input_encoders"] = nengo.Connection(
                    self.input,
                    self.memory.input,
                    transform=kernels["input_encoders"],
                    synapse=None,
                )
            memory_out, memory_kernel = self.memory_state, kernels["memory_kernel"]
            self.memory_normalize_conn = None
            if memory_kernel_scale is not None:
                memory_out = nengo.Node(size_in=D, label="memory_normalized")
                self.memory_normalize_conn = nengo.Connection(
                    self.memory_state,
                    memory_out,
                    transform=1.0 / memory_kernel_scale,
                    synapse=None,
                )
                memory_kernel = memory_kernel * memory_kernel_scale
            c["memory_kernel"] = nengo.Connection(
                memory_out,
                self.hidden.neurons,
                transform=memory_kernel,
                synapse=hidden_input_synapse,
            )
            if s.input_to_hidden:
                # one step of delay aligns x_t with the memory's m_t
                c["input_kernel"] = nengo.Connection(
                    self.input,
                    self.hidden.neurons,
                    transform=kernels["input_kernel"],
                    synapse=0 if hidden_input_synapse is None else hidden_input_synapse,
                )
            if s.hidden_cell == "rnn":
                # neuron to neuron where the output is the neurons' own (on
                # Loihi the loop then stays on chip instead of passing the
                # host, which encodes it within +-1); through the output
                # node where it is scaled (Tanh), so that W_h trains at the
                # same step size either way
                c["recurrent_kernel"] = nengo.Connection(
                    self.hidden.neurons if scale == 1.0 else self.output,
                    self.hidden.neurons,
                    transform=kernels["recurrent_kernel"],
                    synapse=hidden_synapse,
                )
            if s.hidden_to_memory:
                c["hidden_encoders"] = nengo.Connection(
                    self.output,
                    self.memory.input,
                    transform=kernels["hidden_encoders"],
                    synapse=None if hidden_synapse == 0 else hidden_synapse,
                )
            if s.memory_to_memory:
                c["memory_encoders"] = nengo.Connection(
                    self.memory.state,
                    self.memory.input,
                    transform=kernels["memory_encoders"],
                    synapse=None,
                )

    def kernel_shapes(self):
        """Shapes of this cell's trainable parameters, keyed like `KERNELS`."""
        return self.spec.kernel_shapes()

    def input_memory_states(self, x):
        """The exact memory of each input dimension at each simulator step.

        What an ``external_memory`` cell's `input_memory` must be given when
        its input is ``x[k]`` at step ``k``: the Legendre states of every
        input dimension (before the input encoders mix them into the
        memory's channels) after the inputs of steps ``0 .. k - 1`` (the
        memory's synapse delays it by one step; zero at step 0), from the
        discrete Legendre system at ``dt``. With them the cell computes
        exactly what it computes with a ``nengo.Direct`` memory.

        Parameters
        ----------
        x : (steps, input_d) or (n, steps, input_d) array_like
            The cell's input at every simulator step (one or ``n`` sequences).

        Returns
        -------
        states : (steps, input_d * order) or (n, steps, input_d * order) ndarray
            Input-dimension-major (``states[..., j * order + i]`` is
            coefficient ``i`` of input ``j``), like ``memory.state``.
        """
        s = self.spec
        if s.hidden_to_memory or s.memory_to_memory:
            raise ValidationError(
                "with hidden_to_memory or memory_to_memory the memory's state "
                "depends on the hidden layer, not on the input alone",
                attr="x",
                obj=self,
            )
        x = np.asarray(x, dtype=float)
        if x.ndim not in (2, 3) or x.shape[-1] != s.input_d:
            raise ValidationError(
                f"must have shape (steps, {s.input_d}) or (n, steps, {s.input_d}) "
                f"(got {x.shape})",
                attr="x",
                obj=self,
            )
        Ad, Bd = self._discrete_system()
        eye = np.eye(s.input_d)
        m = simulate(np.kron(eye, Ad), np.kron(eye, Bd), x)
        out = np.zeros_like(m)
        out[..., 1:, :] = m[..., :-1, :]
        return out

    def _discrete_system(self):
        """The memory's ideal system at ``dt``, one channel: ``(Ad, Bd)``."""
        s = self.spec
        delay = LegendreDelay(s.theta, s.order)
        return discretize(delay.A, delay.B, s.dt, method=s.discretizer)

    def get_kernels(self):
        """Current values of the trainable parameters (as set on the objects).

        After `nengo_dl.Simulator.freeze_params` these are the trained values.
        """
        shapes = self.kernel_shapes()
        out = {}
        for name, conn in self.trainable_connections.items():
            value = conn.transform.init
            if isinstance(conn.transform, nengo.Convolution):
                value = np.asarray(value)[0].T  # (1, input_d, memory_d) kernel
            out[name] = full_transform(value, shapes[name])
        if self.memory_kernel_scale is not None:
            out["memory_kernel"] = out["memory_kernel"] / self.memory_kernel_scale
        bias = self.hidden.bias
        out["hidden_bias"] = np.array(
            (
                bias.sample(self.spec.hidden_units)
                if isinstance(bias, nengo.dists.Distribution)
                else bias
            ),
            dtype=float,
        )
        return out
