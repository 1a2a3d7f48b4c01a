"""One file per trained model: its settings, fitted scalers, weights and version.

A model file is a NumPy ``.npz`` archive (no pickled objects) holding

- ``format``: ``"nengo-lmu-model"`` and ``format_version``;
- ``config``: JSON of the model's class and constructor arguments (nengo
  objects such as neuron types and synapses, and the memory's scalings, by
  their ``repr``, read back by a parser that only calls the classes named in
  `NENGO_NAMES`);
- ``fitted``: JSON of what training fitted beside the weights (scalers);
- ``nengo_lmu_version``: the package version that wrote it;
- the weight arrays, float64 as trained.

`save_model` writes to a temporary file beside ``path`` and renames it over
``path``, so a failed save leaves any earlier file whole; `load_model`
checks everything before it returns.
"""

import ast
import json
import os
import pathlib
import tempfile
import zipfile

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.version import version as package_version

FORMAT = "nengo-lmu-model"
FORMAT_VERSION = 1


def _nengo_names():
    """Classes a saved configuration may construct, by name."""
    names = {}
    for module in (nengo.neurons, nengo.synapses, nengo.dists, nengo.processes):
        for name in dir(module):
            obj = getattr(module, name)
            if isinstance(obj, type) and issubclass(obj, nengo.params.FrozenObject):
                names[name] = obj
            elif isinstance(obj, type) and issubclass(obj, nengo.Process):
                names[name] = obj
    try:  # NengoDL's neuron types (SoftLIFRate, ...)
        import nengo_dl.neurons

        for name in dir(nengo_dl.neurons):
            obj = getattr(nengo_dl.neurons, name)
            if isinstance(obj, type) and issubclass(obj, nengo.neurons.NeuronType):
                names[name] = obj
    except ImportError:  # pragma: no cover
        pass
    from nengo_lmu.networks import scalings

    for name in ("FixedScaling", "ProcessScaling", "WindowBound"):
        names[name] = getattr(scalings, name)
    names["array"] = np.array
    return names


#: names the configuration parser may call (filled on first use)
NENGO_NAMES = {}


def encode(value, attr="config"):
    """``value`` as JSON-ready data (see the module docstring)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        return {"__ndarray__": value.tolist(), "dtype": str(value.dtype)}
    if isinstance(value, (list, tuple)):
        return [encode(v, attr) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ValidationError(f"has non-string keys: {list(value)}", attr=attr)
        return {k: encode(v, f"{attr}.{k}") for k, v in value.items()}
    text = repr(value)
    try:
        same = repr(decode({"__nengo__": text})) == text
    except ValidationError:
        same = False
    if not same:
        raise ValidationError(
            f"cannot be saved: {value!r} is not a nengo object that its repr "
            f"rebuilds (give neuron types, synapses, distributions, processes and "
            f"scalings)",
            attr=attr,
        )
    return {"__nengo__": text}


def decode(data):
    """The value `encode` made ``data`` from."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "__ndarray__" in data:
        return np.array(data["__ndarray__"], dtype=data["dtype"])
    if "__nengo__" in data:
        return _parse_call(data["__nengo__"])
    return {k: decode(v) for k, v in data.items()}


def _parse_call(text):
    """Evaluate a nengo object's repr, calling only `NENGO_NAMES`."""
    if not NENGO_NAMES:
        NENGO_NAMES.update(_nengo_names())
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as e:
        raise ValidationError(f"unreadable object {text!r} ({e})", attr="config")

    def ev(node):
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in NENGO_NAMES):
                raise ValidationError(
                    f"{text!r} calls something other than a nengo class", "config"
                )
            args = [ev(a) for a in node.args]
            kwargs = {k.arg: ev(k.value) for k in node.keywords}
            try:
                return NENGO_NAMES[node.func.id](*args, **kwargs)
            except Exception as e:
                raise ValidationError(f"cannot rebuild {text!r} ({e})", "config")
        if isinstance(node, (ast.List, ast.Tuple)):
            return [ev(e) for e in node.elts]
        if isinstance(node, ast.Dict):
            return {ev(k): ev(v) for k, v in zip(node.keys, node.values)}
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.Name) and node.id in ("inf", "nan"):
            return float(node.id)
        if isinstance(node, ast.Constant):
            return node.value
        raise ValidationError(f"unreadable object {text!r}", attr="config")

    return ev(tree.body)


def model_path(path):
    """``path`` as a `pathlib.Path` ending in ``.npz`` (as `numpy.savez` names it)."""
    path = pathlib.Path(path)
    return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")


def save_model(path, config, fitted, arrays):
    """Write a model file atomically; returns the path written.

    ``config`` and ``fitted`` are dicts (see `encode`), ``arrays`` maps names
    to arrays. The file appears at ``path`` only once it is complete.
    """
    path = model_path(path)
    if path.is_dir():
        raise ValidationError(f"is a directory: {path}", attr="path")
    if not path.parent.is_dir():
        raise ValidationError(f"its directory does not exist: {path}", attr="path")
    header = dict(
        format=np.array(FORMAT),
        format_version=np.array(FORMAT_VERSION),
        nengo_lmu_version=np.array(package_version),
        config=np.array(json.dumps(encode(config))),
        fitted=np.array(json.dumps(encode(fitted, "fitted"))),
    )
    clash = set(header) & set(arrays)
    if clash:
        raise ValidationError(f"reserved array names {sorted(clash)}", attr="arrays")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **header, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def load_model(path):
    """Read a model file: ``(config, fitted, arrays, version)``.

    A file that is missing, not an ``.npz`` archive, not a nengo-lmu model
    or written by a newer format raises a `~nengo.exceptions.ValidationError`
    that says which.
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise ValidationError(f"no such file: {path}", attr="path")
    try:
        with np.load(path, allow_pickle=False) as f:
            data = {k: f[k] for k in f.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise ValidationError(
            f"{path} is not a nengo-lmu model file (not a readable .npz archive: "
            f"{e})",
            attr="path",
        )
    if "format" not in data or str(data["format"]) != FORMAT:
        raise ValidationError(
            f"{path} is not a nengo-lmu model file (an .npz archive without the "
            f"{FORMAT!r} header; files written by nengo-lmu 0.1.0.dev0's save "
            f"held arrays only and cannot be loaded)",
            attr="path",
        )
    version = int(data.pop("format_version"))
    if version > FORMAT_VERSION:
        raise ValidationError(
            f"{path} has model format {version}; this nengo-lmu reads up to "
            f"{FORMAT_VERSION} (upgrade nengo-lmu)",
            attr="path",
        )
    try:
        config = decode(json.loads(str(data.pop("config"))))
        fitted = decode(json.loads(str(data.pop("fitted"))))
    except (KeyError, json.JSONDecodeError) as e:
        raise ValidationError(f"{path} has a damaged header ({e})", attr="path")
    written_by = str(data.pop("nengo_lmu_version", "unknown"))
    data.pop("format")
    return config, fitted, data, written_by


#: arrays a model file may hold beside the parameters
FITTED_ARRAYS = ("state_scale", "memory_covariance")


def params_to_arrays(params, state_scale=None, memory_covariance=None):
    """A model's trained parameters (and state scale, memory covariance) as
    named arrays: ``cell{i}/{kernel}``, ``readout``, ``readout_bias``,
    ``state_scale``, ``memory_covariance``."""
    arrays = {
        f"cell{i}/{k}": v
        for i, kernels in enumerate(params["cells"])
        for k, v in kernels.items()
    }
    arrays["readout"] = params["readout"]
    arrays["readout_bias"] = params["readout_bias"]
    if state_scale is not None:
        arrays["state_scale"] = state_scale
    if memory_covariance is not None:
        arrays["memory_covariance"] = memory_covariance
    return arrays


def params_from_arrays(arrays, kernel_names, path="arrays"):
    """The parameters `params_to_arrays` wrote, for cells with the kernels
    ``kernel_names`` (one list per cell); missing or unexpected arrays raise
    a `~nengo.exceptions.ValidationError` naming ``path``."""
    names = [f"cell{i}/{k}" for i, ks in enumerate(kernel_names) for k in ks]
    expected = set(names) | {"readout", "readout_bias"}
    missing = sorted(expected - set(arrays))
    unknown = sorted(set(arrays) - expected - set(FITTED_ARRAYS))
    if missing or unknown:
        raise ValidationError(
            f"{path} does not fit the model it describes: missing arrays "
            f"{missing}, unexpected arrays {unknown}",
            attr="path",
        )
    return dict(
        cells=[
            {k: arrays[f"cell{i}/{k}"] for k in ks} for i, ks in enumerate(kernel_names)
        ],
        readout=arrays["readout"],
        readout_bias=arrays["readout_bias"],
    )
