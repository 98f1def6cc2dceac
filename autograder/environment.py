"""A Python environment that lacks a package the checks need, said as such.

Students run the checks with their own Python, which may lack a package of the bundle's
requirements (PyTorch, scikit-learn ...): a global ``pytest`` instead of the course's virtual
environment, say. That is neither their code's fault nor the grader's, and the message says what
to install. Standard library only: the bundle's ``conftest.py`` imports this module when the
rest of the grader cannot be imported at all (NumPy missing).
"""

from __future__ import annotations

import sys

__all__ = ["GRADER_PACKAGES", "INSTALL_COMMAND", "PACKAGE_OF_MODULE", "environment_message", "missing_package",
           "refuse_to_run"]

INSTALL_COMMAND = "python -m pip install -r requirements.txt"

# The packages the grader itself needs (pyproject.toml's dependencies; a test keeps them in step),
# by the top-level module that imports them.
GRADER_PACKAGES = {"numpy": "numpy", "scipy": "scipy", "torch": "torch", "sklearn": "scikit-learn",
                   "pytest": "pytest"}

# The package of a top-level module, where its name is another.
PACKAGE_OF_MODULE = {**GRADER_PACKAGES, "PIL": "pillow", "dateutil": "python-dateutil", "yaml": "pyyaml"}


def missing_package(error: BaseException) -> str | None:
    """The package whose absence ``error`` reports: for a ``ModuleNotFoundError`` of a module
    outside the grader's own package, the name to install (``sklearn`` -> ``scikit-learn``);
    else None (a module of the grader itself missing is the grader's bug, not the environment's)."""
    if not isinstance(error, ModuleNotFoundError) or not error.name:
        return None
    top = error.name.split(".", 1)[0]
    if top == __name__.split(".", 1)[0]:
        return None
    return PACKAGE_OF_MODULE.get(top, top)


def environment_message(package: str, needs: str = "the checks need") -> str:
    """What a student whose Python lacks ``package`` should do."""
    return (f"Your Python environment lacks the package '{package}', which {needs}; this is not a problem of your "
            f"code. Install the bundle's requirements, from the bundle's folder: `{INSTALL_COMMAND}`, with the "
            f"Python that ran this ({sys.executable}), or activate the course's virtual environment first.")


def refuse_to_run(error: ModuleNotFoundError):
    """For the bundle's ``conftest.py`` when importing the grader failed with ``error``: a
    ``pytest_configure`` hook that stops pytest at once with :func:`environment_message` (pytest
    prints ``ERROR: ...``, no traceback). ``error`` itself is raised again when it is not about
    a missing package (a bundle without its ``autograder`` folder)."""
    package = missing_package(error)
    if package is None:
        raise error

    def pytest_configure(config) -> None:
        import pytest

        raise pytest.UsageError(environment_message(package, "the checks need (they could not even be loaded)"))

    return pytest_configure
