"""A browser tab's session kept across a reload of the page (issue 16).

A reload starts a new Solara kernel, and with it a new `App`. So that a facilitator who presses
F5 (or whose laptop reloads the page) finds the run where it was, every tab gets an id in the
browser's ``sessionStorage`` (`TabId`: it survives a reload, a new tab gets its own; a
duplicated tab, which inherits the storage, finds its id held by the open original on a
``BroadcastChannel`` and takes a new one) and the
server keeps the tab's `Session` and its choices (`Keeper`, the most recent `MAX_KEPT` tabs of
the process). The new page reports its tab id and takes the kept session over; the old page's
Play loop stops, as it no longer owns the session (`Keeper.owns`).

Opening the app at ``#new`` forgets the tab's id: a fresh session.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ipyvuetify as v
import traitlets

MAX_KEPT = 6
"""Sessions kept per server process (each holds its models: tens of MB)."""
STORAGE_KEY = "govsim-tab"
"""The ``sessionStorage`` key of the tab's id."""
CHANNEL = "govsim-tabs"
"""The ``BroadcastChannel`` on which the open tabs say which ids they hold."""
ASK_MS = 250
"""How long a new page waits for an open tab to claim its id (a duplicated tab's)."""

TEMPLATE = (
    """
<template>
  <span class="govsim-tab-id" style="display: none"></span>
</template>
<script>
module.exports = {
  mounted() {
    const key = 'STORAGE_KEY';
    if (window.location.hash === '#new') {
      window.sessionStorage.removeItem(key);
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
    }
    const fresh = () => {
      const made = (window.crypto && window.crypto.randomUUID) ? window.crypto.randomUUID()
        : Date.now().toString(36) + Math.random().toString(36).slice(2);
      window.sessionStorage.setItem(key, made);
      return made;
    };
    let id = window.sessionStorage.getItem(key) || fresh();
    if (!window.BroadcastChannel) {
      this.report({tab: id});
      return;
    }
    // A duplicated tab inherits sessionStorage, so its id: ask the open tabs whether one of
    // them holds it; if so, this tab is a copy and takes an id of its own.
    let reported = false;
    let taken = false;
    const channel = new BroadcastChannel('CHANNEL');
    this.channel = channel;
    channel.onmessage = (event) => {
      const message = event.data || {};
      if (reported && message.ask === id) channel.postMessage({held: id});
      if (!reported && message.held === id) taken = true;
    };
    channel.postMessage({ask: id});
    setTimeout(() => {
      if (taken) id = fresh();
      reported = true;
      this.report({tab: id});
    }, ASK_MS);
  },
  beforeDestroy() {
    if (this.channel) this.channel.close();
  },
};
</script>
""".replace("STORAGE_KEY", STORAGE_KEY)
    .replace("CHANNEL", CHANNEL)
    .replace("ASK_MS", str(ASK_MS))
)


@dataclass
class Kept:
    """A tab's session and its choices.

    Attributes:
        session: The `viz.session.Session` (its runs, stepped so far).
        settings: The app's choices (`viz.app.KEPT_SETTINGS`): language, scenario, seed,
            sliders, map, selection, presenter mode.
        owner: The page that drives the session now (only its Play loop may step it).
    """

    session: Any
    settings: dict[str, Any] = field(default_factory=dict)
    owner: object | None = None


class Keeper:
    """The kept sessions of one server process, most recently used last.

    Args:
        limit: How many tabs to keep; the least recently used is forgotten first.
    """

    def __init__(self, limit: int = MAX_KEPT) -> None:
        self.limit = limit
        self._kept: OrderedDict[str, Kept] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, tab: str, owner: object) -> Kept | None:
        """The kept session of ``tab`` (None if none), now driven by ``owner``."""
        with self._lock:
            kept = self._kept.get(tab)
            if kept is not None:
                kept.owner = owner
                self._kept.move_to_end(tab)
            return kept

    def put(self, tab: str, session: Any, settings: dict[str, Any], owner: object) -> None:
        """Keep ``session`` and ``settings`` for ``tab`` (driven by ``owner``)."""
        with self._lock:
            self._kept[tab] = Kept(session, dict(settings), owner)
            self._kept.move_to_end(tab)
            while len(self._kept) > self.limit:
                self._kept.popitem(last=False)

    def owns(self, session: Any, owner: object) -> bool:
        """Whether ``owner`` may drive ``session`` (True for a session nobody kept)."""
        with self._lock:
            for kept in self._kept.values():
                if kept.session is session:
                    return kept.owner is owner
            return True

    def __len__(self) -> int:
        return len(self._kept)


KEEPER = Keeper()
"""The sessions this server process keeps."""


class TabIdWidget(v.VuetifyTemplate):
    """The widget behind `TabId`."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    callback = traitlets.Any(None)

    def vue_report(self, data: dict, buffers: Any = None) -> None:
        """Called by the browser once mounted: ``{"tab": id}``."""
        tab = data.get("tab") if isinstance(data, dict) else None
        if self.callback is not None and isinstance(tab, str) and 0 < len(tab) <= 100:
            self.callback(tab)


def TabId(on_tab: Callable[[str], None]) -> Any:
    """An invisible element that reports the browser tab's id (``sessionStorage``)."""
    return TabIdWidget.element(callback=on_tab)
