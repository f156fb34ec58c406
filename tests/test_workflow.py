"""The GitHub Pages workflow: well-formed, and it builds and publishes site/ from main."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
import yaml

from tests.conftest import FIXTURES, ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    # YAML 1.1 reads the bare key `on` as the boolean true; GitHub reads it as "on".
    if True in data:
        data["on"] = data.pop(True)
    return data


def test_workflow_matches_the_schema(workflow):
    schema = json.loads((FIXTURES / "github-workflow.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(workflow, schema)


def test_schema_rejects_a_misplaced_key(workflow):
    schema = json.loads((FIXTURES / "github-workflow.schema.json").read_text(encoding="utf-8"))
    broken = {**workflow, "jobs": {"build": {**workflow["jobs"]["build"], "step": []}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_it_runs_on_every_push_to_main(workflow):
    assert workflow["on"]["push"]["branches"] == ["main"]


def test_it_builds_site_with_the_pages_address_and_uploads_it(workflow):
    steps = workflow["jobs"]["build"]["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    assert uses.index("actions/checkout") < uses.index("actions/upload-pages-artifact")
    build = next(s["run"] for s in steps if "run" in s)
    assert re.fullmatch(r'\./dev site --base-url "\$\{\{ steps\.pages\.outputs\.base_url \}\}/"',
                        build)
    assert any(s.get("id") == "pages" and s["uses"].startswith("actions/configure-pages@")
               for s in steps)
    upload = steps[uses.index("actions/upload-pages-artifact")]
    assert upload["with"]["path"] == "site"
    python = steps[uses.index("actions/setup-python")]
    assert python["with"]["python-version"] == "3.11"


def test_it_deploys_with_the_permissions_pages_needs(workflow):
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
