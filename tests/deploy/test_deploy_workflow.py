"""The CI workflow: actionlint-clean and valid against the GitHub workflow schema."""

from __future__ import annotations

import yaml

from ._support import ROOT, output, run, tool

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def test_actionlint_reports_nothing() -> None:
    # With shellcheck, as on GitHub's runners, so the `run:` scripts are checked too.
    proc = run([tool("actionlint"), "-no-color", "-shellcheck", tool("shellcheck"),
                str(WORKFLOW.relative_to(ROOT))])
    assert proc.returncode == 0, output(proc)


def test_workflow_matches_the_github_workflow_schema() -> None:
    proc = run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)])
    assert proc.returncode == 0, output(proc)


def test_workflow_has_the_expected_jobs_and_pins_actions() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    jobs = workflow["jobs"]
    text = WORKFLOW.read_text()
    for needle in ("ruff check", "mypy segsvc", "make test", "helm lint --strict", "kubernetes-validate --strict"):
        assert needle in text, needle
    assert any("docker/build-push-action" in str(step.get("uses", ""))
               for job in jobs.values() for step in job["steps"])
    for job in jobs.values():
        for step in job["steps"]:
            if "uses" in step:
                assert "@v" in step["uses"], f"pin {step['uses']} to a version tag"
