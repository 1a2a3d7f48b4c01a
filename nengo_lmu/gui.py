"""Displays for Nengo GUI.

`window_display` adds a node that draws, as SVG, the window a
`.LegendreMemory` holds: the input over the last ``theta`` seconds as
reconstructed from the memory's Legendre state, next to the true recent
input. Nengo GUI shows the drawing in an HTML view (right-click the node,
"HTML", or ``nengo_gui.components.HTMLView(node)`` in a layout file); in any
other simulator the node only computes the drawing, harmlessly.
"""

import numpy as np
from nengo import Connection, Node
from nengo.exceptions import ValidationError

from .networks import LegendreMemory

#: Size of the drawing in SVG user units (it scales to the HTML view).
SVG_WIDTH, SVG_HEIGHT = 300.0, 160.0
#: Margins of the plot area: left, right, top, bottom.
_MARGINS = (28.0, 8.0, 10.0, 22.0)


def window_display(
    memory,
    input_node=None,
    n_points=50,
    channel=0,
    y_range=(-1.0, 1.0),
    synapse=0.01,
    interval=0.01,
    label="window",
):
    """Add a node drawing the window held by ``memory`` as SVG.

    At every step the node reconstructs the input at ``n_points`` delays
    evenly spaced over ``[0, theta]`` from the memory's `state`, with the
    memory's own readout (`.LegendreMemory.readout`), and draws that curve
    (red) over the window, "now" on the right and ``theta`` ago on the left.
    With ``input_node``, the true input over the same window, kept in a ring
    buffer in the node, is drawn beside it (black, dashed). The drawing is
    the node's function's ``_nengo_html_`` attribute, which Nengo GUI's HTML
    view shows; nothing else reads it, so the node runs in any simulator.

    Must be called inside a network context (the node and its connections
    are added to it).

    Parameters
    ----------
    memory : LegendreMemory
        The memory whose window is drawn.
    input_node : nengo.Node or nengo.Ensemble, optional
        The memory's input signal (size ``memory.memory_d``), for the true
        window.
    n_points : int
        Delays at which the window is reconstructed (at least 2).
    channel : int
        Input channel drawn, for a memory with ``memory_d > 1``.
    y_range : (float, float)
        Values at the bottom and the top of the plot; the curves are clipped
        to it.
    synapse : float or nengo.synapses.Synapse, optional
        Filter on the state read by the node (smooths spike noise; ``None``
        reads the state unfiltered).
    interval : float
        Seconds of simulated time between redrawings (the drawing is built in
        Python; redrawing at every 1 ms step slows the simulation). ``0``
        redraws at every step.
    label : str, optional
        Label of the node.

    Returns
    -------
    nengo.Node
        The display node; its ``output`` is a `WindowDrawing`.
    """
    if not isinstance(memory, LegendreMemory):
        raise ValidationError(
            f"must be a LegendreMemory (got {memory!r})", attr="memory"
        )
    if not 0 <= channel < memory.memory_d:
        raise ValidationError(
            f"must be in [0, {memory.memory_d}) (got {channel})", attr="channel"
        )
    q = memory.order
    drawing = WindowDrawing(
        memory.readout(np.linspace(0, memory.theta, int(n_points)))[
            : int(n_points), :q
        ],
        theta=memory.theta,
        dt=memory.dt,
        with_input=input_node is not None,
        y_range=y_range,
        interval=interval,
    )
    size_in = q + (1 if input_node is not None else 0)
    node = Node(drawing, size_in=size_in, size_out=0, label=label)
    start = channel * q
    Connection(memory.state[start : start + q], node[:q], synapse=synapse)
    if input_node is not None:
        Connection(input_node[channel], node[q], synapse=None)
    return node


class WindowDrawing:
    """Node function of `window_display`: reconstructs and draws the window.

    Parameters
    ----------
    C : (n_points, order) ndarray
        Readout rows from the Legendre state to the input at ``delays``.
    theta : float
        Window length in seconds.
    dt : float
        Simulator time step in seconds (for the ring buffer of the input).
    with_input : bool
        Whether the last node input is the true input.
    y_range : (float, float)
        Values at the bottom and the top of the plot.
    interval : float
        Seconds of simulated time between redrawings.

    Attributes
    ----------
    delays : (n_points,) ndarray
        Delays of the drawn points, in seconds (0 first).
    window : (n_points,) ndarray
        Reconstructed input at ``delays`` at the last step.
    true_window : (n_points,) ndarray or None
        The true input at ``delays`` (from the ring buffer) at the last step.
    t_drawn : float
        Simulation time of the current drawing, in seconds.
    _nengo_html_ : str
        The SVG drawing, read by Nengo GUI's HTML view.
    """

    def __init__(self, C, theta, dt, with_input, y_range, interval):
        self.C = np.asarray(C, dtype=float)
        n_points, self.order = self.C.shape
        if n_points < 2:
            raise ValidationError(
                f"must be at least 2 (got {n_points})", attr="n_points"
            )
        low, high = (float(v) for v in y_range)
        if not high > low:
            raise ValidationError(
                f"must be (low, high) with high > low (got {y_range})",
                attr="y_range",
            )
        self.theta, self.dt, self.y_range = float(theta), float(dt), (low, high)
        self.with_input = bool(with_input)
        self.interval = float(interval)
        self.delays = np.linspace(0, self.theta, n_points)
        # buffer[k] holds the input k steps ago, for k up to theta / dt
        self._lags = np.round(self.delays / self.dt).astype(int)
        self._buffer = np.zeros(self._lags[-1] + 1)
        self._head = 0
        self._last_t = None
        self._last_drawn = -np.inf
        self.window = np.zeros(n_points)
        self.true_window = np.zeros(n_points) if self.with_input else None
        self.t_drawn = 0.0
        self._nengo_html_ = self.svg()

    def __call__(self, t, x):
        if self._last_t is None or t <= self._last_t:  # a new run: forget
            self._buffer[:] = 0.0
            self._head = 0
            self._last_drawn = -np.inf
        self._last_t = t
        if self.with_input:
            self._head = (self._head + 1) % len(self._buffer)
            self._buffer[self._head] = x[self.order]
        if t - self._last_drawn >= self.interval - 0.5 * self.dt:
            self.window = self.C @ x[: self.order]
            if self.with_input:
                self.true_window = self._buffer[
                    (self._head - self._lags) % len(self._buffer)
                ]
            self.t_drawn = self._last_drawn = t
            self._nengo_html_ = self.svg(t)

    def _xy(self, values):
        """SVG coordinates of ``values`` at ``delays`` (clipped to the plot)."""
        left, right, top, bottom = _MARGINS
        low, high = self.y_range
        x = SVG_WIDTH - right - (SVG_WIDTH - left - right) * self.delays / self.theta
        v = np.clip(values, low, high)
        y = top + (SVG_HEIGHT - top - bottom) * (high - v) / (high - low)
        return x, y

    def points(self, values):
        """SVG ``points`` attribute of a polyline through ``values``."""
        x, y = self._xy(values)
        return " ".join(f"{a:.2f},{b:.2f}" for a, b in zip(x, y))

    def values(self, points):
        """Inverse of `points`: the values (unclipped part) a polyline draws."""
        xy = np.array([p.split(",") for p in points.split()], dtype=float)
        left, right, top, bottom = _MARGINS
        low, high = self.y_range
        return high - (xy[:, 1] - top) * (high - low) / (SVG_HEIGHT - top - bottom)

    def svg(self, t=0.0):
        """The drawing of the current window, as an SVG document string."""
        left, right, top, bottom = _MARGINS
        low, high = self.y_range
        base = SVG_HEIGHT - bottom
        zero = self._xy(np.zeros(1))[1][0] if low < 0 < high else base
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SVG_WIDTH:g} '
            f'{SVG_HEIGHT:g}" width="100%" height="100%">',
            f'<rect x="{left:g}" y="{top:g}" width="{SVG_WIDTH - left - right:g}" '
            f'height="{base - top:g}" fill="white" stroke="#999"/>',
            f'<line x1="{left:g}" y1="{zero:.2f}" x2="{SVG_WIDTH - right:g}" '
            f'y2="{zero:.2f}" stroke="#ccc"/>',
            f'<text x="{left:g}" y="{SVG_HEIGHT - 6:g}" font-size="10">'
            f"t - {self.theta:g} s</text>",
            f'<text x="{SVG_WIDTH - right:g}" y="{SVG_HEIGHT - 6:g}" font-size="10" '
            f'text-anchor="end">t = {t:.2f} s</text>',
            f'<text x="{left - 3:g}" y="{top + 8:g}" font-size="9" '
            f'text-anchor="end">{high:g}</text>',
            f'<text x="{left - 3:g}" y="{base:g}" font-size="9" '
            f'text-anchor="end">{low:g}</text>',
        ]
        if self.with_input:
            parts.append(
                f'<polyline class="input" points="{self.points(self.true_window)}" '
                'fill="none" stroke="black" stroke-dasharray="4 3"/>'
            )
        parts.append(
            f'<polyline class="memory" points="{self.points(self.window)}" '
            'fill="none" stroke="#d62728" stroke-width="2"/>'
        )
        parts.append("</svg>")
        return "".join(parts)
