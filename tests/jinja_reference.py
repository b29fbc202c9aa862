"""Renders Jinja2 templates the way transformers' apply_chat_template does, as the reference for test_jinja.

Reads {"now": [year, month, day, hour, minute, second], "cases": [{"template": ..., "variables": {...}}]}
from stdin and writes [{"ok": true, "output": ...} | {"ok": false, "error": ...}] to stdout. The environment
mirrors transformers' _compile_jinja_template (src/transformers/utils/chat_template_utils.py): an
ImmutableSandboxedEnvironment with trim_blocks and lstrip_blocks, the loopcontrols extension, a
{% generation %} tag that renders its body, tojson as json.dumps(ensure_ascii=False, ...), and the globals
raise_exception and strftime_now (here with a fixed date).
"""
import json
import sys
from datetime import datetime

import jinja2
from jinja2.exceptions import TemplateError
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


class GenerationTag(Extension):
    """{% generation %}...{% endgeneration %} as transformers' AssistantTracker renders it when not tracking."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def main():
    request = json.load(sys.stdin)
    now = datetime(*request["now"])

    def raise_exception(message):
        raise TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[GenerationTag, loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: now.strftime(fmt)

    results = []
    for case in request["cases"]:
        try:
            output = env.from_string(case["template"]).render(**case["variables"])
            results.append({"ok": True, "output": output})
        except Exception as e:  # the test compares outcomes, any failure counts as one
            results.append({"ok": False, "error": f"{type(e).__name__}: {e}"})
    json.dump(results, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
