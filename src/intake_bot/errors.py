"""The exceptions intake-bot raises on purpose; the CLI maps them to exit codes."""


class IntakeError(Exception):
    """Base of every error intake-bot reports as one clear line."""

    exit_code = 1


class ConfigError(IntakeError):
    """The configuration is missing, unreadable or invalid."""

    exit_code = 2


class UsageError(IntakeError):
    """The command was called wrongly (unknown reference, bad argument)."""

    exit_code = 2


class ParseError(IntakeError):
    """A message could not be read at all; it is quarantined."""


class LimitExceeded(IntakeError):
    """A message is over a configured limit; it is quarantined with that reason."""


class TransientError(IntakeError):
    """A mail server was unreachable; nothing was lost and a later run will retry."""

    exit_code = 75
