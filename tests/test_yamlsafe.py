"""``load_yaml`` takes the C parser whenever the alias guard is met, and answers exactly
as the careful (pure Python, alias-counting) loader does."""

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing import yamlloaders
from briefing.yamlsafe import YamlProblem, load_yaml
from tests.conftest import ROOT

TWENTY = "a: &a [x]\n" + "".join(f"d{i}: *a\n" for i in range(20))
DOCUMENTS = [
    "terms:\n  gpu*: 3\n  data center*: 2\n",  # '*' inside a term is no alias
    "# a trailing * matches any ending\nterms: {chip*: 1}\n",
    "title: R&D & more\n",
    TWENTY,
    "base: &base {threshold: 8}\ncompute: *base\n",
    "x: '&a *b'\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_the_c_parser_answers_as_the_careful_loader(text: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    careful = yaml.load(text, Loader=yamlloaders._StrictLoader)
    slow = []
    monkeypatch.setattr(yamlloaders, "_StrictLoader", _Spy.wrap(yamlloaders._StrictLoader, slow))
    assert load_yaml(text) == careful
    assert slow == []  # the careful loader was not needed


def test_one_alias_too_many_is_refused_at_its_line() -> None:
    with pytest.raises(YamlProblem) as refused:
        load_yaml(TWENTY + "d20: *a\n")
    assert refused.value.message == "too many YAML aliases" and refused.value.line == 22


class _Spy:
    @staticmethod
    def wrap(loader: type, calls: list[str]) -> type:
        class Spied(loader):  # type: ignore[misc,valid-type]
            def __init__(self, stream: str) -> None:
                calls.append(stream)
                super().__init__(stream)
        return Spied


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40) | st.text(
    st.sampled_from(list("ab :#-'\"&*!|>%@`{}[],?=~é—“”’€中\u00a0\u2028\u0085\ufeff\t\n😀")),
    max_size=40)
_VALUES = st.one_of(_TEXT, st.none(), st.booleans(), st.integers(), st.dates(),
                    st.lists(_TEXT, max_size=3))


_KEYS = st.sampled_from(["title", "dek", "date", "themes", "summary", "dropped"]) | _TEXT


@settings(max_examples=1000, deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=5))
def test_front_matter_dumps_as_pyyamls_own_emitter_writes_it(data):
    assert yamlloaders.dump_yaml(data) == yaml.dump(data, Dumper=yaml.SafeDumper, sort_keys=False,
                                        allow_unicode=True, default_flow_style=False,
                                        width=1_000_000)


def test_the_seeds_front_matter_takes_the_compiled_emitter():
    from briefing.content import split_front_matter

    for path in sorted((ROOT / "content").glob("*.md")):
        front, _, _ = split_front_matter(path.read_text(encoding="utf-8"), str(path))
        assert yamlloaders._agreed(yamlloaders.load_yaml(front, plain_text=True)), path.name
