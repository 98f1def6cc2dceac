"""The submission has no cross_validate_k (deleted after the reference definitions)."""
del cross_validate_k
