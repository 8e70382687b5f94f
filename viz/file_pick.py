"""A drop zone for one file that also opens the file chooser when clicked.

Solara's `solara.FileDrop` takes a file dragged onto it only; in a workshop the facilitator
opens a saved session from the browser's own file chooser (docs/app.md, "Saving and opening a
session"). `FilePick` is `solara.FileDrop` (non-lazy, one file) with a click behind it: the
same upload protocol of `ipyvuetify.extra.FileInput`, a template of our own
(``data/file_pick.vue``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import solara
import traitlets
from solara.components.file_drop import FileDropZone


class FilePickZone(FileDropZone):
    """`FileDropZone` whose template also opens the file chooser (``data/file_pick.vue``)."""

    template_file = (__file__, "data/file_pick.vue")
    accept = traitlets.Unicode("").tag(sync=True)


@solara.component
def FilePick(label: str, on_file: Callable[[dict[str, Any]], None], accept: str = "") -> Any:
    """A zone to drop one file on or click to choose it; ``on_file`` gets its FileInfo with data.

    Args:
        label: Text in the zone until a file is chosen.
        on_file: Called (in a thread, as `solara.FileDrop`'s) with the file's ``name``,
            ``size`` and ``data`` (bytes).
        accept: The chooser's file filter (HTML ``accept``, e.g. ``".json"``).
    """
    info, set_info = solara.use_state(None)
    files, set_files = solara.use_state(None)
    zone = FilePickZone.element(label=label, accept=accept, on_file_info=set_info, multiple=False)

    def wire() -> None:
        if not info:
            return
        widget = solara.get_widget(zone)
        widget.version += 1  # as solara's _FileDrop: @observe is cleared between renders
        widget.reset_stats()
        set_files(widget.get_files())

    solara.use_effect(wire, [info])

    def handle(cancel: threading.Event) -> None:
        if not files:
            return
        first = files[0]
        first["data"] = first["file_obj"].read()
        on_file(first)

    result: solara.Result = solara.use_thread(handle, [files])
    if result.error:
        raise result.error
    return zone
