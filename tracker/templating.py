"""How the templates compile and call: Jinja's code with four changes, in what an escaped output becomes, in how
an attribute is read, in how a template calls a function and in how an import reads the globals. The pages'
HTML is the same; what they cost is measured by `python -m tools.bench`.

With autoescaping on, Jinja compiles `{{ value }}` to `escape(value)`, which makes a `Markup` object (a str
subclass, built by a Python `__new__`) only for the template to join it into the page at once. A page of the
overdue list writes some two thousand values, and that object cost a fifth of its rendering. Here the same
output is escaped by the same C function and kept as a plain str: a text inline, anything else through
`escaped_text`. Nothing else changes: a macro, a `{% set %}` block or a `{% filter %}` block still joins its
parts and marks the whole safe, so what a template passes on is Markup as before, and a value that is already
Markup (`|safe`, a macro's output) is written as it is.

Jinja compiles `value.name` to a call of `environment.getattr`, a Python function, about a thousand times a page.
Here it is Python's own getattr with a default, inline, and Jinja's only when the value has no such attribute.

Every call a template makes (a macro, `_()`, a method such as `date.isoformat()`) goes through its context's
`call`, which first looks for a `pass_context`-style marker on the callable and on its `__call__`. A macro or a
built-in function never carries one, and a plain function or method carries it as an attribute: those are now
called after one look (with the evaluation context when so marked), and anything else as Jinja calls it.

A template's globals are Jinja's ChainMap (its own over the environment's) with a quicker key view: see
`TemplateGlobals`."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import KeysView, MutableMapping
from hashlib import sha256
from itertools import chain
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

from flask.templating import Environment as FlaskEnvironment
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.nodes import Expr, Getattr, Template
from jinja2.runtime import Context, Macro
from jinja2.utils import _PassArg
from markupsafe import Markup, _escape_inner  # the C function markupsafe.escape calls


def escaped_text(value: Any) -> str:
    """`markupsafe.escape(value)`'s text: HTML's special characters replaced unless the value is already markup
    (has `__html__`), in which case it is written as it is. The commonest kinds first: a text, a translated label
    (Markup, written as it is) and a whole number (digits, nothing to replace)."""
    kind = type(value)
    if kind is str:
        return _escape_inner(value)
    if kind is Markup:
        return value
    if kind is int:
        return str(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return _escape_inner(str(value))


class TextOutputCodeGenerator(CodeGenerator):
    """Jinja's code generator, writing an escaped output as text (a str by MarkupSafe's C function, inline; any
    other value by `escaped_text`, through the `environment` every compiled template holds) instead of `escape`,
    and reading an attribute with Python's getattr first (see the module's docstring)."""

    def visit_Template(self, node: Template, frame: Frame | None = None) -> None:
        self.writeline("from markupsafe import _escape_inner as _escape_str")  # for a text output, inline
        super().visit_Template(node, frame)

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        if frame.eval_ctx.volatile:  # inside {% autoescape %}: decided when the template runs
            self.write("(environment.escaped_text if context.eval_ctx.autoescape else str)(")
        elif frame.eval_ctx.autoescape:
            # A text (the commonest output) is escaped here; anything else by escaped_text.
            self.write("(_escape_str(_out) if type(_out := ")
        else:
            self.write("str(")
        if finalize.src is not None:
            self.write(finalize.src)

    def _output_child_post(self, node: Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        if finalize.src is not None:
            self.write(")")
        if not frame.eval_ctx.volatile and frame.eval_ctx.autoescape:
            self.write(") is str else environment.escaped_text(_out))")
        else:
            self.write(")")

    @optimizeconst
    def visit_Getattr(self, node: Getattr, frame: Frame) -> None:
        """`value.name`: Python's getattr with a default first (no call of our own), Jinja's getattr only when the
        value has no such attribute (it then tries the item, else gives Undefined). The two names hold the value and
        the attribute for the moment of the test; an inner `a.b` in `a.b.c` is done with them before the outer
        sets them."""
        if self.environment.is_async:
            super().visit_Getattr(node, frame)
            return
        self.write("(_ga_v if (_ga_v := getattr((_ga_o := ")
        self.visit(node.node, frame)
        self.write(f"), {node.attr!r}, missing)) is not missing else environment.getattr(_ga_o, {node.attr!r}))")


_NEVER_MARKED = (BuiltinFunctionType, Macro)  # no attribute of their own; a macro's __call__ takes no context
_MAYBE_MARKED = (FunctionType, MethodType)  # marked by an attribute (a method's is its function's), never on __call__


class TrackerContext(Context):
    """Jinja's template context, calling a macro, a built-in, or a function, method or callable object without a
    marker or marked to take the evaluation context, directly."""

    # Jinja's own signature: `__self` and `__obj`, so that a template may pass keywords named `self` or `obj`.
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        kind = type(__obj)
        direct = kind in _NEVER_MARKED
        if not direct and (
            kind in _MAYBE_MARKED or getattr(kind.__call__, "jinja_pass_arg", None) is None
        ):  # an object other than a function is marked on its class's __call__ (Jinja calls that then) or itself
            mark = getattr(__obj, "jinja_pass_arg", None)
            if mark is _PassArg.eval_context:  # such as the templates' _()
                args = (__self.eval_ctx, *args)
            direct = mark is None or mark is _PassArg.eval_context
        if direct:
            kwargs.pop("_block_vars", None)  # what Jinja adds inside blocks and loops, for marked callables
            kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:  # as Jinja's
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
        return super().call(__obj, *args, **kwargs)


class TemplateGlobals(ChainMap[str, Any]):
    """A template's globals over the environment's, as Jinja keeps them, with keys read as a dict's: Jinja subtracts
    them from the importing template's on every `{% from … import %}`, and a ChainMap's own key view answers that a
    key at a time in Python (three imports on the unit page, seventy keys each)."""

    def keys(self) -> KeysView[str]:
        return dict.fromkeys(chain.from_iterable(self.maps)).keys()


class TrackerEnvironment(FlaskEnvironment):
    """Flask's template environment compiling with `TextOutputCodeGenerator`, rendering with `TrackerContext`, and
    keeping a template's globals as `TemplateGlobals`."""

    code_generator_class = TextOutputCodeGenerator
    context_class = TrackerContext
    escaped_text = staticmethod(escaped_text)
    # The on-disk cache's file names (see create_app), with this module's own digest: a template compiled by an
    # earlier version of the generator is never loaded.
    bytecode_pattern = f"__tracker_{sha256(Path(__file__).read_bytes()).hexdigest()[:12]}_%s.cache"

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return TemplateGlobals(d if d is not None else {}, self.globals)
