"""Loading a student's module from a file path, fresh every time."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType


def load_module(path: Path, name: str) -> ModuleType:
    """Execute the Python file at ``path`` as a new module called ``name`` and return it.

    Every call builds a new module object: nothing is reused from an earlier load, and the
    module is not left in ``sys.modules``. The file's folder is on ``sys.path`` while it is
    imported, so it may import helper modules next to it; helpers it imported are dropped from
    ``sys.modules`` afterwards so that the next load imports them afresh. No ``__pycache__`` is
    written into the student's folder.
    """
    path = Path(path).resolve()
    source = path.read_bytes()
    module = ModuleType(name)
    module.__file__ = str(path)
    folder = str(path.parent)
    saved_path = list(sys.path)
    saved_bytecode = sys.dont_write_bytecode
    before = set(sys.modules)
    sys.modules[name] = module  # dataclasses, typing and pickle look the module up while it runs
    sys.path.insert(0, folder)
    sys.dont_write_bytecode = True
    try:
        code = compile(source, str(path), "exec", dont_inherit=True)
        exec(code, module.__dict__)
    finally:
        sys.path[:] = saved_path
        sys.dont_write_bytecode = saved_bytecode
        sys.modules.pop(name, None)
        for new in set(sys.modules) - before:
            origin = getattr(sys.modules.get(new), "__file__", None) or ""
            if origin and Path(origin).resolve().parent == path.parent:
                sys.modules.pop(new, None)
    return module
