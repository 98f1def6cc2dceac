"""An autograder for hand-written deep-learning exercises.

``python -m autograder grade SUBMISSION`` grades a folder laid out like ``assignments/``;
students run ``pytest <assignment>`` for the public checks. See README.md.
"""

__version__ = "0.1.0"
