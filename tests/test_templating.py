"""The templates' compiled output (tracker.templating): every value escaped exactly as Jinja escapes it, markup
written as it is, whatever the construct the value is written in."""

from decimal import Decimal

import pytest
from jinja2 import DictLoader, Environment, pass_context, pass_environment, pass_eval_context
from markupsafe import Markup, escape

from tracker.templating import TemplateGlobals, escaped_text


class Html:
    """Anything that writes itself as HTML (as a form field does)."""

    def __html__(self) -> str:
        return "<em>kept</em>"


class Word(str):
    """A str that is not exactly a str (as an enum's value can be)."""


HOSTILE = "<script>alert('x')</script> & \"quoted\""


@pytest.mark.parametrize(
    "value",
    [HOSTILE, "", "Cục Điện ảnh", 42, 3.5, Decimal("12.50"), None, Markup("<b>sure</b>"), Html(), Word("<i>")],
    ids=["hostile", "empty", "vietnamese", "int", "float", "decimal", "none", "markup", "__html__", "str-subclass"],
)
def test_a_value_is_escaped_as_markupsafe_escapes_it(value):
    assert escaped_text(value) == str(escape(value))
    assert isinstance(escaped_text(value), str)


TEMPLATES = {
    "output": "<p>{{ x }}</p>",
    "several outputs": "{{ x }}|{{ n }}|{{ x }}",
    "safe": "{{ x|safe }}",
    "markup value": "{{ m }}",
    "filtered": "{{ x|upper }} {{ x|truncate(12) }}",
    "joined with ~": "{{ x ~ '<' ~ n }}",
    "macro": "{% macro card(v) %}<b>{{ v }}</b>{% endmacro %}{{ card(x) }}{{ card(m) }}",
    "macro result filtered": "{% macro card(v) %}<b>{{ v }}</b>{% endmacro %}{{ card(x)|upper }}",
    "set block": "{% set block %}<i>{{ x }}</i>{% endset %}{{ block }}{{ block|length }}",
    "filter block": "{% filter upper %}<u>{{ x }}</u>{% endfilter %}",
    "call block": "{% macro box() %}<div>{{ caller() }}</div>{% endmacro %}{% call box() %}{{ x }}{% endcall %}",
    "autoescape off": "{% autoescape false %}{{ x }}{% endautoescape %}{{ x }}",
    "loop": "{% for v in [x, m, n] %}<li>{{ v }}</li>{% endfor %}",
}


@pytest.mark.parametrize("source", TEMPLATES.values(), ids=TEMPLATES.keys())
def test_a_template_writes_what_jinja_writes(app, source):
    values = {"x": HOSTILE, "m": Markup("<b>sure</b>"), "n": 7}
    ours = app.jinja_env.from_string(source).render(values)
    jinjas = Environment(autoescape=True).from_string(source).render(values)
    assert ours == jinjas
    if "autoescape" not in source and "safe" not in source:
        assert "<script>" not in ours  # the hostile value never reaches the page as markup


def test_escaping_is_on_for_pages_and_off_for_plain_text(app):
    page = app.jinja_env.from_string("<p>{{ x }}</p>").render(x=HOSTILE)
    assert page == "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quoted&#34;</p>"
    text = app.jinja_env.overlay(autoescape=False).from_string("{{ x }}").render(x=HOSTILE)
    assert text == HOSTILE


def test_pages_compile_with_the_text_output(app):
    """The app's templates use this code generator (what it saves is measured by `python -m tools.bench`)."""
    source = app.jinja_env.loader.get_source(app.jinja_env, "base.html")[0]
    code = app.jinja_env.compile(source, "base.html", raw=True)
    assert "environment.escaped_text(" in code
    assert "escape(" not in code.replace("escaped_text(", "")


class Marked:
    """A callable object whose __call__ takes the template's context (Jinja looks there too)."""

    @pass_context
    def __call__(self, context, name):
        return f"{name}={context.get(name)}"


class Plain:
    def __call__(self, name):
        return f"plain {name}"


def _exhausted():
    raise StopIteration


@pass_context
def _from_context(context, name):
    return f"{name}={context.get(name)}"


@pass_eval_context
def _from_eval_context(eval_ctx, text):
    return f"{text}:{eval_ctx.autoescape}"


@pass_environment
def _from_environment(environment, text):
    return f"{text}:{type(environment).__name__}"


CALLS = {
    "function taking the context": "{{ ctx('x') }}",
    "function taking it in a loop": "{% for x in ['a', 'b'] %}{{ ctx('x') }};{% endfor %}",
    "function taking it in a set block": "{% set y = 'b' %}{% set s %}{{ ctx('y') }}{% endset %}{{ s }}",
    "function taking the evaluation context": "{{ ev('t') }}",
    "function taking the environment": "{{ env('t') }}",
    "object whose __call__ takes the context": "{{ marked('x') }}",
    "plain object": "{{ plain('x') }}",
    "plain function and method": "{{ '%s|%s'|format(len(word), word.upper()) }}",
    "built-in": "{{ range(3)|list }}",
    "macro with caller": "{% macro m(a, b=2) %}{{ a }}{{ b }}{{ caller() }}{% endmacro %}{% call m(1) %}c{% endcall %}",
    "callable raising StopIteration": "[{{ exhausted() }}]",
}


@pytest.mark.parametrize("source", CALLS.values(), ids=CALLS.keys())
def test_a_call_gets_what_jinja_gives_it(app, source):
    values = {
        "x": "<x>",
        "word": "từ",
        "len": len,
        "ctx": _from_context,
        "ev": _from_eval_context,
        "env": _from_environment,
        "marked": Marked(),
        "plain": Plain(),
        "exhausted": _exhausted,
    }
    ours = app.jinja_env.from_string(source).render(values)
    jinjas = Environment(autoescape=True).from_string(source).render(values)
    assert ours == jinjas.replace(":Environment", f":{type(app.jinja_env).__name__}")


def test_an_imported_macro_sees_the_globals_jinja_gives_it(app):
    """Imports compare the two templates' globals (tracker.templating.TemplateGlobals): a macro imported without
    context sees the environment's globals as under Jinja, before and after one is added."""
    templates = {
        "lib.html": "{% macro hello(n) %}{{ greeting }} {{ n }}{{ later|default('') }}{% endmacro %}",
        "page.html": '{% from "lib.html" import hello %}{{ hello(name) }}',
    }
    ours = app.jinja_env.overlay(loader=DictLoader(templates))
    jinjas = Environment(autoescape=True, loader=DictLoader(templates))
    for environment in (ours, jinjas):
        environment.globals["greeting"] = "Xin chào"
    pages = [environment.get_template("page.html").render(name="<b>") for environment in (ours, jinjas)]
    assert pages == ["Xin chào &lt;b&gt;"] * 2
    for environment in (ours, jinjas):
        environment.globals["later"] = "!"
    pages = [environment.get_template("page.html").render(name="Hà") for environment in (ours, jinjas)]
    assert pages[0] == pages[1]
    fresh = [
        environment.from_string('{% from "lib.html" import hello %}{{ hello(1) }}') for environment in (ours, jinjas)
    ]
    assert [template.render() for template in fresh] == [fresh[1].render()] * 2
    assert set(TemplateGlobals({"own": 1}, {"shared": 2, "own": 3}).keys()) == {"own", "shared"}


class Card:
    """An object with an attribute, a property that fails as missing, and a nested object."""

    def __init__(self) -> None:
        self.title = "<Thẻ>"
        self.inner = {"code": "CDA", "items": ["a", "b"]}

    @property
    def broken(self):
        raise AttributeError("broken")


ATTRIBUTES = {
    "attribute": "{{ card.title }}",
    "item when no attribute": "{{ card.inner.code }}",
    "a method, not the item of that name": "{{ card.inner.items|length }}",
    "a method called": "{{ card.inner.get('code') }}",
    "neither: undefined": "[{{ card.nothing }}][{{ card.inner.nothing }}]",
    "a property failing as missing": "[{{ card.broken }}]",
    "nested in one expression": "{{ card.inner.code ~ card.title ~ card.inner.code }}",
    "in a test and a filter": "{% if card.title is string %}{{ card.title|upper }}{% endif %}",
    "on undefined": "{{ missing_one.attr|default('–') }}",
}


def _outcome(environment, source: str, **values) -> str:
    """What rendering gives: the text, or the error's kind and message."""
    try:
        return environment.from_string(source).render(**values)
    except Exception as error:  # the error itself is the outcome compared
        return f"{type(error).__name__}: {error}"


@pytest.mark.parametrize("source", ATTRIBUTES.values(), ids=ATTRIBUTES.keys())
def test_an_attribute_is_read_as_jinja_reads_it(app, source):
    ours = _outcome(app.jinja_env, source, card=Card())
    assert ours == _outcome(Environment(autoescape=True), source, card=Card())


def test_compiled_templates_are_kept_under_this_generators_name(app, client):
    """The compiled templates on disk are named for this version of the generator: a worker started after an
    upgrade compiles the templates again rather than loading code an earlier generator wrote."""
    from hashlib import sha256
    from pathlib import Path

    import tracker.templating

    digest = sha256(Path(tracker.templating.__file__).read_bytes()).hexdigest()[:12]
    cache = app.jinja_env.bytecode_cache
    assert client.get("/login").status_code == 200
    written = [path.name for path in Path(cache.directory).iterdir()]
    assert any(name.startswith(f"__tracker_{digest}_") for name in written)
