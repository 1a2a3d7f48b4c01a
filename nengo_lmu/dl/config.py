"""What NengoDL trains in an LMU model, and through which neuron curves."""

import nengo

from nengo_lmu.networks import LegendreMemory, LMUCell


def configure_trainable(model):
    """Make ``model`` trainable in NengoDL except every Legendre memory in it.

    Calls ``nengo_dl.configure_settings(trainable=None, stateful=False)`` on
    ``model`` (the top-level network given to the simulator) and marks each
    `.LegendreMemory` inside it untrainable, as well as each `.LMUCell`'s
    fixed output scale (``hidden.neurons -> output``) and its fixed memory
    normalisation (``memory_kernel_scale``), if any. Returns ``model``.

    Use it in a plain NengoDL workflow as in `nengo_lmu.dl`'s module
    docstring: build, ``configure_trainable``, ``nengo_dl.Simulator``,
    ``compile``, ``fit`` (callbacks and all), ``freeze_params``.
    """
    import nengo_dl

    with model:
        nengo_dl.configure_settings(trainable=None, stateful=False)
    for net in model.all_networks:
        if isinstance(net, LegendreMemory):
            # NengoDL reads `trainable` from the innermost configuring network
            with net:
                nengo_dl.configure_settings(trainable=False)
        elif isinstance(net, LMUCell):
            # the fixed output scale of the hidden neurons (tau_ref for Tanh):
            # trained, it would be a parameter that `get_kernels` does not keep
            model.config[net.output_conn].trainable = False
            if net.memory_normalize_conn is not None:
                model.config[net.memory_normalize_conn].trainable = False
    return model


def rate_version(neuron_type, lif_smoothing=None):
    """The rate counterpart of a spiking neuron type (others are returned as is).

    With ``lif_smoothing`` (sigma, in units of current) LIF becomes NengoDL's
    ``SoftLIFRate``: LIFRate with its threshold smoothed by a softplus, so
    that neurons below threshold keep a gradient (Hunsberger & Eliasmith,
    2015). It is what NengoDL's ``lif_smoothing`` setting trains spiking LIF
    neurons through, given as a neuron type so that validation during
    training sees the same smooth rates instead of spikes.
    """
    if type(neuron_type) is nengo.LIF and lif_smoothing is not None:
        import nengo_dl

        return nengo_dl.neurons.SoftLIFRate(
            sigma=lif_smoothing,
            tau_rc=neuron_type.tau_rc,
            tau_ref=neuron_type.tau_ref,
            amplitude=neuron_type.amplitude,
        )
    if type(neuron_type) is nengo.LIF:
        return nengo.LIFRate(
            tau_rc=neuron_type.tau_rc,
            tau_ref=neuron_type.tau_ref,
            amplitude=neuron_type.amplitude,
        )
    if type(neuron_type) is nengo.SpikingRectifiedLinear:
        return nengo.RectifiedLinear(amplitude=neuron_type.amplitude)
    if isinstance(neuron_type, nengo.neurons.RegularSpiking):
        return neuron_type.base_type
    return neuron_type
