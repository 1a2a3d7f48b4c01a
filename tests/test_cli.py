"""Tests of the ``nengo-lmu`` command line."""

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


def test_delay_command_bad_input(capsys):
    with pytest.raises(SystemExit) as info:
        main(["delay", "--theta", "-1", "--no-progress"])
    assert info.value.code == 2
    assert "theta" in capsys.readouterr().err


def test_train_command(tmp_path, capsys):
    pytest.importorskip("nengo_dl")
    pytest.importorskip("mnist1d")
    args = "train --epochs 8 --lr 0.01 --train-samples 500 --test-samples 100"
    args += " --order 8 --theta 20 --memory-d 1 --hidden 32 --item-duration 0.02"
    args += " --spiking-eval --steps-per-item 2"
    main(args.split() + ["--out-dir", str(tmp_path)])
    text = capsys.readouterr().out
    assert (tmp_path / "params.npz").stat().st_size > 1000
    assert (tmp_path / "training.png").stat().st_size > 10_000
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
    reloaded = clf.evaluate(xt[:100], yt[:100], spiking=False)
    assert reloaded == pytest.approx(acc["rate test accuracy"], abs=1e-12), text
    assert "spiking test accuracy" in acc, text


def test_version(capsys):
    from nengo_lmu import __version__
    from nengo_lmu.cli import main

    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.strip() == f"nengo-lmu {__version__}"
