"""How the templates compile: Jinja's code with one change, in what an escaped output becomes.

With autoescaping on, Jinja compiles `{{ value }}` to `escape(value)`, which makes a `Markup` object (a str
subclass, built by a Python `__new__`) only for the template to join it into the page at once. A page of the
overdue list writes some two thousand values, and that object cost a fifth of its rendering. Here the same
output is escaped by the same C function and kept as a plain str. Nothing else changes: a macro, a `{% set %}`
block or a `{% filter %}` block still joins its parts and marks the whole safe, so what a template passes on
is Markup as before, and a value that is already Markup (`|safe`, a macro's output) is written as it is."""

from __future__ import annotations

from typing import Any

from flask.templating import Environment as FlaskEnvironment
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Expr
from markupsafe import _escape_inner  # the C function markupsafe.escape calls


def escaped_text(value: Any) -> str:
    """`markupsafe.escape(value)` as a plain str: HTML's special characters replaced unless the value is already
    markup (has `__html__`), in which case it is written as it is."""
    if type(value) is str:
        return _escape_inner(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return _escape_inner(str(value))


class TextOutputCodeGenerator(CodeGenerator):
    """Jinja's code generator, escaping an output with `escaped_text` (through the `environment` every compiled
    template holds) instead of `escape`."""

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        if frame.eval_ctx.volatile:  # inside {% autoescape %}: decided when the template runs
            self.write("(environment.escaped_text if context.eval_ctx.autoescape else str)(")
        elif frame.eval_ctx.autoescape:
            self.write("environment.escaped_text(")
        else:
            self.write("str(")
        if finalize.src is not None:
            self.write(finalize.src)


class TrackerEnvironment(FlaskEnvironment):
    """Flask's template environment compiling with `TextOutputCodeGenerator`."""

    code_generator_class = TextOutputCodeGenerator
    escaped_text = staticmethod(escaped_text)
    bytecode_pattern = "__tracker_text_output_%s.cache"  # the on-disk cache's file names (see create_app)
