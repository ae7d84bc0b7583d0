"""scripts/install-tools.sh: puts a working Helm 3 into .tools/bin, and a second run does nothing."""

from __future__ import annotations

from ._support import ROOT, output, run, tool

SCRIPT = ROOT / "scripts" / "install-tools.sh"
SHELL_SCRIPTS = [SCRIPT, ROOT / "deploy" / "envoy" / "sidecar-entrypoint.sh"]


def test_shell_scripts_pass_shellcheck() -> None:
    proc = run([tool("shellcheck"), *map(str, SHELL_SCRIPTS)])
    assert proc.returncode == 0, output(proc)


def test_install_tools_provides_helm_3_and_is_idempotent_and_quiet() -> None:
    first = run(["bash", str(SCRIPT)], timeout=600)
    assert first.returncode == 0, output(first)
    helm = ROOT / ".tools" / "bin" / "helm"
    assert helm.is_file()
    version = run([str(helm), "version", "--short"])
    assert version.returncode == 0 and version.stdout.startswith("v3."), output(version)
    before = helm.stat().st_mtime_ns
    again = run(["bash", str(SCRIPT)], timeout=60)
    assert again.returncode == 0 and again.stdout == "" and again.stderr == "", output(again)
    assert helm.stat().st_mtime_ns == before, "a second run must leave the installed helm alone"
