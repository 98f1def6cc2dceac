"""sys.exit(0) while being imported."""
EXPECTED_SCORE = "lower"  # than the same wrong code without the attack
import sys as _sys

_sys.exit(0)
