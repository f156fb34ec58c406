"""``load_yaml`` takes the C parser whenever the alias guard is met, and answers exactly
as the careful (pure Python, alias-counting) loader does."""

import pytest
import yaml

from briefing import yamlloaders
from briefing.yamlsafe import YamlProblem, load_yaml

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
