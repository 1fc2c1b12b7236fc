"""The one exception type that parsers of user input raise.

Handlers catch :class:`InputError` and show ``translate(err.code, **err.args_)`` to the user, so
the error carries a Fluent message id and its placeholder values instead of an English sentence.
"""

from __future__ import annotations


class InputError(ValueError):
    """User input that cannot be read; ``code`` names a message in ``locales/*/text.ftl``.

    It subclasses ``ValueError`` so generic code that already catches bad values keeps working.
    ``str(err)`` is only the code, so log lines stay language-neutral and never echo what the
    user typed.
    """

    code: str
    args_: dict[str, object]

    def __init__(self, code: str, **args: object) -> None:
        super().__init__(code)
        self.code = code
        self.args_ = dict(args)

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only constructor arguments are not pickled by default (multiprocessing, logs).
        return (_rebuild_input_error, (self.code, self.args_))

    def __repr__(self) -> str:
        return f"InputError({self.code!r}, **{self.args_!r})"


def _rebuild_input_error(code: str, args: dict[str, object]) -> InputError:
    return InputError(code, **args)
