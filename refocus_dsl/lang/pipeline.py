"""One step from program text to something that can run: parse, check, then run.

:func:`compile_program` is the only place the package assembles parsing,
checking and running; :func:`refocus_dsl.run`, the model loop and the CLI all
go through it, so a program the CLI accepts is accepted by ``ask`` under the
same :class:`~refocus_dsl.lang.limits.Limits`, and the same text is parsed once.

    checked = compile_program(text, layout, limits=Limits(max_statements=100))
    if checked.ok:
        result = checked.run("table.png")
    else:
        print(checked.render())
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from refocus_dsl.errors import ProgramError
from refocus_dsl.lang.ast import Program
from refocus_dsl.lang.diagnostics import Diagnostic, with_source
from refocus_dsl.lang.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from PIL import Image

    from refocus_dsl.imageio import LoadedImage
    from refocus_dsl.lang.interpreter import Result
    from refocus_dsl.layout import Layout
    from refocus_dsl.registry import Registry

__all__ = ["CheckedProgram", "compile_program"]


@dataclass(frozen=True)
class CheckedProgram:
    """A parsed program and everything checking it found, against one layout (or none).

    ``program`` is None only when nothing could be parsed (text over the size
    limit). ``ok`` is True when no diagnostic is an error: then :meth:`run` runs it.
    """

    source: str
    program: Program | None
    diagnostics: tuple[Diagnostic, ...]
    layout: Layout | None = None
    registry: Registry | None = field(default=None, repr=False)
    limits: Limits = DEFAULT_LIMITS
    parse_diagnostics: tuple[Diagnostic, ...] = field(default=(), repr=False)

    @property
    def ok(self) -> bool:
        return self.program is not None and not any(d.is_error for d in self.diagnostics)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    def render(self, filename: str = "<input>") -> str:
        """The diagnostics with source lines and carets, as ``refocus check`` prints them."""
        from refocus_dsl.lang.diagnostics import render_text

        return render_text(list(self.diagnostics), self.source, filename)

    def against(self, layout: Layout | None) -> CheckedProgram:
        """The same program checked against another layout (not parsed again)."""
        if layout is self.layout or self.program is None:
            return self
        from refocus_dsl.lang.checker import check_program

        diags = check_program(
            self.program, layout, self.registry, self.limits, self.parse_diagnostics
        )
        return CheckedProgram(
            self.source,
            self.program,
            tuple(diags),
            layout,
            self.registry,
            self.limits,
            self.parse_diagnostics,
        )

    def run(
        self,
        image: Image.Image | LoadedImage | str | Path | bytes,
        layout: Layout | None = None,
    ) -> Result:
        """Apply the program to a copy of ``image`` (a Pillow image, a path or bytes).

        ``layout`` defaults to the one it was checked against; another one is
        checked first. Raises :class:`~refocus_dsl.errors.ProgramError` with every
        error when the program has any; warnings become the result's notes.
        """
        checked = self.against(layout) if layout is not None else self
        if not checked.ok or checked.program is None:
            raise ProgramError(list(checked.errors), self.source)
        from refocus_dsl.imageio import load_image
        from refocus_dsl.lang.interpreter import execute

        if isinstance(image, (str, Path, bytes)):
            image = load_image(image, self.limits.max_pixels)
        notes = [f"{d.code}: {d.message}" for d in checked.diagnostics]
        return execute(
            checked.program,
            image,
            checked.layout,
            registry=self.registry,
            limits=self.limits,
            notes=notes,
        )


def compile_program(
    source: str | Program,
    layout: Layout | None = None,
    *,
    registry: Registry | None = None,
    limits: Limits | None = None,
) -> CheckedProgram:
    """Parse ``source`` (or take a parsed Program) and check it against ``layout``.

    ``registry`` defaults to the installed plugins; ``limits`` to
    :data:`~refocus_dsl.lang.limits.DEFAULT_LIMITS`, and bind parsing, checking and
    running alike. Never raises for a bad program: look at ``.ok`` and
    ``.diagnostics``.
    """
    from refocus_dsl.lang.checker import check_program

    lim = limits if limits is not None else DEFAULT_LIMITS
    if registry is None:
        from refocus_dsl.registry import default_registry

        registry = default_registry()
    if isinstance(source, Program):
        program: Program | None = source
        text = source.source
        parse_diags: list[Diagnostic] = []
    else:
        from refocus_dsl.lang.parser import parse_with_diagnostics

        text = source
        program, parse_diags = parse_with_diagnostics(source, lim)
    if program is None:
        return CheckedProgram(
            text, None, tuple(with_source(parse_diags, text)), layout, registry, lim
        )
    diags = check_program(program, layout, registry, lim, parse_diags)
    return CheckedProgram(text, program, tuple(diags), layout, registry, lim, tuple(parse_diags))


def run(
    program: Program | str,
    image: Image.Image | LoadedImage | str | Path | bytes,
    layout: Layout | None = None,
    *,
    registry: Registry | None = None,
    limits: Limits | None = None,
) -> Result:
    """Check ``program`` and apply it to a copy of ``image``; raise ProgramError if it has errors.

    ``program`` may be text (parsed first); ``image`` a Pillow image, a file
    path or the file's bytes. Images in other modes than RGB, RGBA, L and LA are
    converted (palette, 16-bit, CMYK, ...) and the conversion is noted; images
    over the pixel limit raise LimitError. The same as
    ``compile_program(program, layout, registry=..., limits=...).run(image)``.
    """
    checked = compile_program(program, layout, registry=registry, limits=limits)
    return checked.run(image)
