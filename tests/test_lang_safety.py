"""No module of the package or the built-in plugins can run text as code."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_MODULES = {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill"}


def _sources() -> list[Path]:
    files = sorted((ROOT / "refocus_dsl").rglob("*.py")) + sorted((ROOT / "plugins").rglob("*.py"))
    assert len(files) > 10
    return files


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call):
            f = node.func
            name = (
                f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            )
            if isinstance(f, ast.Name) and name in FORBIDDEN_CALLS:
                out.append(f"{where}: calls {name}()")
            if isinstance(f, ast.Attribute) and name in {"loads", "load"}:
                base = f.value
                if isinstance(base, ast.Name) and base.id in FORBIDDEN_MODULES:
                    out.append(f"{where}: calls {base.id}.{name}()")
            if isinstance(f, ast.Attribute) and name in {"eval", "exec"}:
                out.append(f"{where}: calls .{name}()")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in FORBIDDEN_MODULES:
                    out.append(f"{where}: imports {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] in FORBIDDEN_MODULES:
                out.append(f"{where}: imports from {node.module}")
            for alias in node.names:
                if alias.name in FORBIDDEN_CALLS:
                    out.append(f"{where}: imports {alias.name}")
        elif isinstance(node, ast.Name) and node.id in {"eval", "exec", "__import__"}:
            out.append(f"{where}: refers to {node.id}")
    return out


def test_no_eval_exec_compile_pickle_or_dunder_import() -> None:
    problems = [p for path in _sources() for p in _problems(path)]
    assert problems == []


def test_the_walker_finds_what_it_looks_for(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import pickle\nfrom marshal import loads\nx = eval('1')\nexec('y=2')\n"
        "compile('1', 'f', 'eval')\n__import__('os')\npickle.loads(b'')\nf = eval\n"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = _problems(bad)
    finally:
        ROOT = saved
    assert len(found) >= 8
