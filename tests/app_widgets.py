"""The whole app rendered for one Solara session, without a browser (widget tests)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import solara
from solara.server import kernel, kernel_context

from govsim.viz import app as viz_app
from govsim.viz.app import App


def render_app(municipalities: Sequence[str] | None = None) -> Iterator[tuple[Any, Any]]:
    """Render `App` in a fresh kernel context; yield (render context, the session it made)."""
    ctx = kernel_context.VirtualKernelContext(
        id=f"test-{uuid.uuid4()}", kernel=kernel.Kernel(), session_id="test-session"
    )
    with ctx:
        sessions = []
        real = viz_app.new_session

        def capture(chosen=None):
            session = real(chosen)
            sessions.append(session)
            return session

        viz_app.new_session = capture
        try:
            app = App() if municipalities is None else App(municipalities=municipalities)
            _box, rc = solara.render(app, handle_error=False)
        finally:
            viz_app.new_session = real
        yield rc, sessions[0]
        rc.close()
    ctx.close()
