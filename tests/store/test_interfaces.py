"""The store's interfaces stay narrow and complete (``sensing/store/base.py``).

``Store`` is only the composition of the narrow interfaces, each public method belongs to
exactly one of them (so a new one, segments say, arrives as a new interface, not as methods
spread over the old ones), and both backends implement every method of every interface with
the interface's own parameters.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod

import pytest

from sensing.store import Store
from sensing.store.elastic import ElasticStore
from sensing.store.sqlite import SqliteStore

INTERFACES: tuple[type, ...] = Store.__bases__
BACKENDS = [SqliteStore, ElasticStore]


def public_methods(cls: type) -> set[str]:
    """The public methods ``cls`` offers, inherited ones included."""
    return {name for name in dir(cls) if not name.startswith("_")
            and callable(getattr(cls, name))}


def owners(composite: type) -> dict[str, list[str]]:
    """Each public method of ``composite`` -> the names of its direct bases offering it."""
    return {name: [base.__name__ for base in composite.__bases__
                   if name in public_methods(base)]
            for name in sorted(public_methods(composite))}


def parameters(function: object) -> list[tuple[str, object, object]]:
    """Names, kinds and defaults: what a caller holding the interface relies on."""
    return [(p.name, p.kind, p.default)
            for p in inspect.signature(function).parameters.values()]


def test_the_store_is_only_the_composition_of_narrow_interfaces() -> None:
    assert len(INTERFACES) > 1
    for interface in INTERFACES:
        assert issubclass(interface, ABC) and interface.__abstractmethods__, interface
    assert [name for name, value in vars(Store).items()
            if not name.startswith("_") and callable(value)] == []


def test_each_method_belongs_to_exactly_one_interface() -> None:
    shared = {name: found for name, found in owners(Store).items() if len(found) != 1}
    assert shared == {}
    assert set(owners(Store)) == Store.__abstractmethods__


def test_the_ownership_check_sees_a_method_on_two_interfaces() -> None:
    class Posts(ABC):
        @abstractmethod
        def count(self) -> int: ...

    class Segments(ABC):
        @abstractmethod
        def count(self) -> int: ...

        @abstractmethod
        def get_segment(self) -> None: ...

    class Wider(Posts):  # an interface widening another offers its methods too
        @abstractmethod
        def export(self) -> None: ...

    class Both(Wider, Posts, Segments):
        pass

    assert owners(Both) == {"count": ["Wider", "Posts", "Segments"], "export": ["Wider"],
                            "get_segment": ["Segments"]}


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda cls: cls.__name__)
def test_each_backend_implements_every_interface(backend: type) -> None:
    assert backend.__abstractmethods__ == frozenset()
    for interface in INTERFACES:
        assert issubclass(backend, interface), interface
        for name in sorted(interface.__abstractmethods__):
            implementation = getattr(backend, name)
            assert not getattr(implementation, "__isabstractmethod__", False), name
            assert parameters(implementation) == parameters(getattr(interface, name)), name


def test_an_open_store_is_every_interface(store: Store) -> None:
    # the ``store`` fixture: a SqliteStore and an ElasticStore, instantiated and set up
    assert [interface.__name__ for interface in INTERFACES
            if not isinstance(store, interface)] == []
    assert type(store).__abstractmethods__ == frozenset()
