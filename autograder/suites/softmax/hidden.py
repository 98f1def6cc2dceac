"""Hidden checks of the softmax assignment (instructor's copy only)."""

from ..linear_hidden import register_hidden
from .public import SPEC, suite

register_hidden(suite, SPEC)
