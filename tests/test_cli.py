"""Tests of the ``nengo-lmu`` command line."""

import json

import pytest

from nengo_lmu.cli import main


def test_delay_command(tmp_path, capsys):
    out = tmp_path / "delay.png"
    main(["delay", "--duration", "2", "--no-progress", "-o", str(out), "--seed", "1"])
    text = capsys.readouterr().out
    assert out.stat().st_size > 10_000
    lines = {line.split(":")[0].strip(): line for line in text.splitlines()}
    nrmse = float(lines["NRMSE output vs delayed input"].split(":")[1])
    ideal = float(lines["NRMSE output vs ideal linear system"].split(":")[1])
    assert nrmse < 0.08 and ideal < 0.08, text


@pytest.mark.parametrize(
    "args, message",
    [
        ("delay --theta -1", "argument --theta: must be > 0"),
        ("delay --theta nan", "argument --theta: must be finite"),
        ("delay --order 2.5", "argument --order: must be an integer"),
        ("delay --neurons 0", "argument --neurons: must be >= 1"),
        ("delay --duration 0.3", "argument --duration: must exceed the 0.5 s"),
        ("delay --dt 0.2", "argument --dt: must be smaller than --theta"),
        ("delay -o {tmp}", "is a directory; give a file name"),
        ("delay -o {tmp}/missing/delay.png", "argument --output: cannot write"),
        ("delay -o {tmp}/delay.foo", "unknown figure format 'foo'"),
        ("train --minibatch 0", "argument --minibatch: must be >= 1"),
        ("train --minibatch 1.5", "argument --minibatch: must be an integer"),
        ("train --train-samples 0", "argument --train-samples: must be >= 1"),
        ("train --train-samples 150", "leave fewer than --minibatch 100"),
        ("train --out-dir {tmp}/file", "exists and is not a folder"),
        ("train --lr nan", "argument --lr: must be finite"),
        ("train --lr -1", "argument --lr: must be > 0"),
        ("train --steps-per-item 0", "argument --steps-per-item: must be >= 1"),
        ("train --epochs -1", "argument --epochs: must be >= 1"),
        ("train --epochs 0", "argument --epochs: must be >= 1"),
        ("train --validation-split 1", "argument --validation-split: must be < 1"),
        ("train --theta 0.5", "argument --theta: must be >= 1"),
        ("train --hidden-synapse -1", "argument --hidden-synapse: must be >= 0"),
        ("train --item-duration 0", "argument --item-duration: must be > 0"),
        ("train --clip-norm -1", "argument --clip-norm: must be >= 0"),
    ],
)
def test_bad_arguments(args, message, tmp_path, capsys):
    """Each bad argument: one line on stderr, exit status 2, nothing written."""
    (tmp_path / "file").write_text("")
    argv = args.format(tmp=tmp_path).split()
    with pytest.raises(SystemExit) as info:
        main(argv + ["--no-progress"] if argv[0] == "delay" else argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert len(err.strip().splitlines()[-1]) > 0 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_delay_output_without_extension(tmp_path, capsys):
    out = tmp_path / "figure"
    main(["delay", "--duration", "0.8", "--no-progress", "-o", str(out)])
    assert (tmp_path / "figure.png").stat().st_size > 10_000
    assert f"figure saved to {out}.png" in capsys.readouterr().out


def test_train_command(tmp_path, capsys):
    pytest.importorskip("nengo_dl")
    pytest.importorskip("mnist1d")
    args = "train --epochs 8 --lr 0.01 --train-samples 500 --test-samples 30"
    args += " --order 8 --theta 20 --memory-d 1 --hidden 32 --item-duration 0.02"
    args += " --memory-neurons 240"
    args += " --spiking-eval --steps-per-item 2 --minibatch 50"
    main(args.split() + ["--out-dir", str(tmp_path)])
    text = capsys.readouterr().out
    assert "450 train / 50 validation / 30 test" in text, text
    assert (tmp_path / "params.npz").stat().st_size > 1000
    assert (tmp_path / "training.png").stat().st_size > 10_000
    settings = json.loads((tmp_path / "settings.json").read_text())
    assert settings["epochs"] == 8 and settings["validation_split"] == 0.1
    history = json.loads((tmp_path / "history.json").read_text())
    assert len(history["val_probe_accuracy"]) == 8
    acc = {
        line.split(":")[0].strip(): float(line.split(":")[1].split()[0])
        for line in text.splitlines()
        if line.startswith(("rate test accuracy", "spiking test accuracy"))
    }
    # the saved parameters reproduce the reported accuracy exactly
    from nengo_lmu.data import mnist1d
    from nengo_lmu.dl import LMUClassifier

    _, _, xt, yt = mnist1d()
    clf = LMUClassifier.load(tmp_path / "params.npz")
    assert clf.spec.layers[0].n_neurons == 240
    reloaded = clf.evaluate(xt[:30], yt[:30], spiking=False)
    assert reloaded == history["test"]["rate_accuracy"], text
    assert reloaded == pytest.approx(acc["rate test accuracy"], abs=5e-5), text
    assert "spiking test accuracy" in acc, text


def test_version(capsys):
    from nengo_lmu import __version__
    from nengo_lmu.cli import main

    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.strip() == f"nengo-lmu {__version__}"
