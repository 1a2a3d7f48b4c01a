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
