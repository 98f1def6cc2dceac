"""The module imports a package that does not exist."""
import numpy_but_faster  # noqa: F401
