"""The one error type a user is meant to see."""


class InputError(ValueError):
    """Bad input from a user: its message says what was wrong and what is expected.

    Raised at every ``shopdl_core`` entry point; pages catch it and show ``st.error``.
    Anything else that escapes is a bug.
    """


class CheckpointError(RuntimeError):
    """A shipped or trained checkpoint is missing, damaged or does not match its model.

    The message names the file and how to rebuild it (``python -m shopdl_core train ...``).
    """
