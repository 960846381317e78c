"""One exception type for mistakes the user can fix, so the CLI can print one clear line instead of a traceback."""


class UserError(Exception):
    """Bad input from the user: the message says what is wrong and how to fix it."""
