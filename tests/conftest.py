"""Test configuration: no decoder cache (for exact determinism), no progress bars."""

import nengo


def pytest_configure(config):
    nengo.rc["decoder_cache"]["enabled"] = "False"
    nengo.rc["progress"]["progress_bar"] = "False"
