"""The package stays readable: no module over 700 lines, no function over 120, and no
module reaching into another's private names."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 700
MAX_FUNCTION_LINES = 120


def _sources() -> list[Path]:
    files = sorted((ROOT / "refocus_dsl").rglob("*.py")) + sorted((ROOT / "plugins").rglob("*.py"))
    assert len(files) > 10
    return files


def _too_long(path: Path, root: Path = ROOT) -> list[str]:
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(root).as_posix()
    out = []
    lines = len(text.splitlines())
    if lines > MAX_MODULE_LINES:
        out.append(f"{name}: {lines} lines")
    for node in ast.walk(ast.parse(text, filename=name)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                out.append(f"{name}:{node.lineno}: {node.name} is {length} lines")
    return out


def _private_imports(path: Path, root: Path = ROOT) -> list[str]:
    """``from refocus_dsl.x import _name`` where ``_name`` is not a module of the package."""
    name = path.relative_to(root).as_posix()
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=name)):
        if not isinstance(node, ast.ImportFrom) or node.level:
            continue
        module = node.module or ""
        if module.split(".")[0] not in ("refocus_dsl", "plugins"):
            continue
        folder = root.joinpath(*module.split("."))
        for alias in node.names:
            private = alias.name.startswith("_") and not alias.name.startswith("__")
            is_module = (folder / f"{alias.name}.py").is_file() or (folder / alias.name).is_dir()
            if private and not is_module:
                out.append(f"{name}:{node.lineno}: imports {alias.name} from {module}")
    return out


def test_no_module_or_function_too_long() -> None:
    assert [p for path in _sources() for p in _too_long(path)] == []


def test_no_private_names_imported_across_modules() -> None:
    assert [p for path in _sources() for p in _private_imports(path)] == []


def test_the_checks_find_what_they_look_for(tmp_path: Path) -> None:
    body = "\n".join(f"    x = {i}" for i in range(MAX_FUNCTION_LINES))
    long_module = "\n" * MAX_MODULE_LINES + f"def f():\n{body}\n"
    (tmp_path / "refocus_dsl" / "detect").mkdir(parents=True)
    (tmp_path / "refocus_dsl" / "detect" / "_raster.py").write_text("x = 1\n")
    long_file = tmp_path / "refocus_dsl" / "long.py"
    long_file.write_text(long_module)
    reach = tmp_path / "refocus_dsl" / "reach.py"
    reach.write_text(
        "from refocus_dsl.detect.chart import _find_bars\n"
        "from refocus_dsl.detect import _raster\n"
        "from ._local import _fine\n"
    )
    assert _too_long(long_file, tmp_path) == [
        f"refocus_dsl/long.py: {MAX_MODULE_LINES + MAX_FUNCTION_LINES + 1} lines",
        f"refocus_dsl/long.py:{MAX_MODULE_LINES + 1}: f is {MAX_FUNCTION_LINES + 1} lines",
    ]
    assert _private_imports(reach, tmp_path) == [
        "refocus_dsl/reach.py:1: imports _find_bars from refocus_dsl.detect.chart"
    ]
