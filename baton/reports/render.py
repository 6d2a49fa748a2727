"""Rendering a Word pack or a PDF to pages one can look at: LibreOffice, then poppler.

``python -m baton.reports.render FILE.docx OUTDIR`` writes ``OUTDIR/FILE.pdf`` and
``OUTDIR/page-N.png``; a ``.pdf`` goes straight to PNG. LibreOffice runs with the
fontconfig of the machine plus ``scripts/fonts/gongwen.conf``, which maps the 公文 faces
the document names (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体) to the Debian ones
installed by ``make bootstrap-test``. The render tests use the same functions.
"""

import os
import shutil
import subprocess  # nosec B404 — fixed programs, no shell
import sys
import tempfile
from pathlib import Path

GONGWEN_CONF = Path(__file__).resolve().parents[2] / "scripts" / "fonts" / "gongwen.conf"
TOOLS = ("soffice", "pdftoppm", "pdftotext", "pdffonts")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if not shutil.which(tool)]


def font_environment(workdir: Path) -> dict:
    """The environment with a fontconfig that adds the 公文 faces' stand-ins."""
    conf = workdir / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>\n"
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f'  <include ignore_missing="yes">{GONGWEN_CONF}</include>\n'
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def to_pdf(source: Path, outdir: Path, *, timeout: int = 180) -> Path:
    """Convert a .docx (or .xlsx) with LibreOffice headless; return the PDF's path."""
    outdir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="baton-lo-"))
    try:
        subprocess.run(  # noqa: S603  # nosec B603
            [
                shutil.which("soffice") or "soffice",
                f"-env:UserInstallation=file://{work}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
            env=font_environment(work),
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return outdir / f"{source.stem}.pdf"


def to_pngs(pdf: Path, outdir: Path, *, dpi: int = 80, prefix: str = "page") -> list[Path]:
    """Render every page of ``pdf`` as ``outdir/prefix-N.png``; return them in order."""
    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.glob(f"{prefix}-*.png"):
        old.unlink()
    subprocess.run(  # noqa: S603  # nosec B603
        [
            shutil.which("pdftoppm") or "pdftoppm",
            "-r",
            str(dpi),
            "-png",
            str(pdf),
            str(outdir / prefix),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return sorted(outdir.glob(f"{prefix}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def pdf_text(pdf: Path, *, bbox: bool = False) -> str:
    """The PDF's text; with ``bbox``, poppler's XHTML of every word and its box."""
    args = [shutil.which("pdftotext") or "pdftotext", *(["-bbox"] if bbox else []), str(pdf), "-"]
    return subprocess.run(  # noqa: S603  # nosec B603
        args, check=True, capture_output=True, text=True, timeout=60
    ).stdout


def pdf_fonts(pdf: Path) -> str:
    """``pdffonts``' table: which faces the renderer embedded."""
    return subprocess.run(  # noqa: S603  # nosec B603
        [shutil.which("pdffonts") or "pdffonts", str(pdf)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("用法：python -m baton.reports.render 文件.docx|文件.pdf 输出目录", file=sys.stderr)
        return 2
    if missing := missing_tools():
        print(f"缺少 {'、'.join(missing)}：请以 root 运行 make bootstrap-test。", file=sys.stderr)
        return 1
    source, outdir = Path(argv[0]).resolve(), Path(argv[1]).resolve()
    pdf = source if source.suffix == ".pdf" else to_pdf(source, outdir)
    for page in to_pngs(pdf, outdir):
        print(page)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
