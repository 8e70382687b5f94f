"""Array-backed agent views: an agent's attributes are rows of arrays owned by its model."""

from __future__ import annotations

from typing import Any

import mesa


class Column:
    """Descriptor exposing ``model.<store>.<array>[agent.row]`` as an agent attribute.

    Reading returns a plain Python value; writing stores into the array, so inspection and
    drill-down code can treat array-backed agents like ordinary Mesa agents.
    """

    def __init__(self, store: str, array: str, doc: str = "") -> None:
        self.store = store
        self.array = array
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def _target(self, agent: ArrayAgent) -> Any:
        return getattr(getattr(agent.model, self.store), self.array)

    def __get__(self, agent: ArrayAgent | None, owner: type) -> Any:
        if agent is None:
            return self
        value = self._target(agent)[agent.row]
        return value.item() if hasattr(value, "item") and getattr(value, "ndim", 0) == 0 else value

    def __set__(self, agent: ArrayAgent, value: Any) -> None:
        self._target(agent)[agent.row] = value


class ArrayAgent(mesa.Agent):
    """A Mesa agent whose state is row ``row`` of its model's arrays."""

    def __init__(self, model: mesa.Model, row: int) -> None:
        super().__init__(model)
        self.row = int(row)

    def state(self) -> dict[str, Any]:
        """Return every array-backed attribute of this agent as a dict."""
        out: dict[str, Any] = {"row": self.row}
        for klass in type(self).__mro__:
            for name, attr in vars(klass).items():
                if isinstance(attr, Column) and name not in out:
                    value = getattr(self, name)
                    out[name] = value.tolist() if hasattr(value, "tolist") else value
        return out
