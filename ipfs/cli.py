"""``lumbung ipfs``: add, cat, CAR export and import, and gc on the embedded block store.

Mounted from ``api/cli.py``; runnable on its own as ``python -m ipfs.cli``. Bad input gives
one ``Error: ...`` line on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, BinaryIO

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from ipfs.cid import cid_string, parse_cid, to_cid
from ipfs.embedded import EmbeddedIpfs
from ipfs.errors import IpfsError
from ipfs.factory import default_root
from ipfs.unixfs import ImportedNode, ImportOptions, discard_blocks, import_path

# Below this much content a progress bar would only flicker.
PROGRESS_THRESHOLD_BYTES = 4 << 20
EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130

app = typer.Typer(
    help="Content-addressed storage: kubo-identical CIDs in an embedded block store.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
_stderr = Console(stderr=True)


class _InputError(Exception):
    """A user-facing failure with a message of one line."""


@contextlib.contextmanager
def _one_line_errors() -> Iterator[None]:
    try:
        yield
    except (IpfsError, _InputError) as error:
        _exit_with(str(error).splitlines()[0] if str(error) else type(error).__name__)
    except BrokenPipeError:
        # The reader went away (``cat ... | head``): not an error of ours.
        # Point stdout at /dev/null so the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(EXIT_FAILURE) from None
    except OSError as error:
        where = f": {error.filename}" if error.filename else ""
        _exit_with(f"{error.strerror or error}{where}")
    except KeyboardInterrupt:
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _exit_with(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(EXIT_FAILURE)


def _open_store(ctx: typer.Context) -> EmbeddedIpfs:
    root: Path = ctx.obj["root"]
    return EmbeddedIpfs.open(root)


@app.callback()
def main(
    ctx: typer.Context,
    root: Annotated[
        Path | None,
        typer.Option(
            help="Block store folder [default: $LUMBUNG_IPFS_ROOT or .lumbung/ipfs]",
            show_default=False,
        ),
    ] = None,
) -> None:
    ctx.obj = {"root": root if root is not None else default_root()}


def _content_size(path: Path, include_hidden: bool) -> int:
    if path.is_file():
        return path.stat().st_size
    total = 0
    for folder, folders, files in os.walk(path):
        if not include_hidden:
            folders[:] = [name for name in folders if not name.startswith(".")]
            files = [name for name in files if not name.startswith(".")]
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(folder, name)).st_size
    return total


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Progress | None]:
    if total < PROGRESS_THRESHOLD_BYTES or not _stderr.is_terminal:
        yield None
        return
    columns = (
        TextColumn("adding"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=_stderr, transient=True) as progress:
        yield progress


@app.command()
def add(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="File or folder to add", show_default=False)],
    cid_version: Annotated[
        int, typer.Option("--cid-version", help="0 (kubo's default) or 1 (raw leaves, base32)")
    ] = 0,
    only_hash: Annotated[
        bool, typer.Option("--only-hash", "-n", help="Compute the CID without storing anything")
    ] = False,
    hidden: Annotated[
        bool, typer.Option("--hidden", "-H", help="Include entries whose names start with '.'")
    ] = False,
    pin: Annotated[bool, typer.Option(help="Pin what is added")] = True,
) -> None:
    """Add a file or folder as `ipfs add -r` does; the root CID is the last line printed."""
    with _one_line_errors():
        if cid_version not in (0, 1):
            raise _InputError(f"--cid-version must be 0 or 1, not {cid_version}")
        if not os.path.lexists(path):
            raise _InputError(f"no such file or folder: {path}")
        is_folder = path.is_dir() and not path.is_symlink()

        def report(name: str, node: ImportedNode) -> None:
            # Like kubo, name every entry of a folder; the root is printed alone, last.
            if is_folder and name != path.name:
                typer.echo(f"added {cid_string(node.cid)} {name}")

        total = _content_size(path, hidden)
        with _progress(total) as progress:
            task = progress.add_task("add", total=total) if progress is not None else None

            def advance(count: int) -> None:
                if progress is not None and task is not None:
                    progress.advance(task, count)

            if only_hash:
                options = ImportOptions(cid_version=cid_version)
                node = import_path(
                    path,
                    discard_blocks,
                    options,
                    include_hidden=hidden,
                    on_entry=report,
                    on_progress=advance,
                )
                root = to_cid(node.cid)
            else:
                root = _open_store(ctx).add_path(
                    path,
                    cid_version=cid_version,
                    pin=pin,
                    include_hidden=hidden,
                    on_entry=report,
                    on_progress=advance,
                )
        typer.echo(str(root))


@app.command()
def cat(
    ctx: typer.Context,
    cid: Annotated[str, typer.Argument(help="Root CID of a file", show_default=False)],
) -> None:
    """Write the bytes of the file at CID to standard output."""
    with _one_line_errors():
        root = parse_cid(cid)
        out = sys.stdout.buffer
        for piece in _open_store(ctx).cat(root):
            out.write(piece)
        out.flush()


@contextlib.contextmanager
def _output(destination: str) -> Iterator[BinaryIO]:
    """``-`` for standard output, else a file that appears only once it is complete."""
    if destination == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    final = Path(destination)
    partial = final.with_name(f".{final.name}.{os.getpid()}.partial")
    try:
        with partial.open("wb") as stream:
            yield stream
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)


@app.command("export-car")
def export_car(
    ctx: typer.Context,
    cid: Annotated[str, typer.Argument(help="Root CID of the DAG", show_default=False)],
    file: Annotated[str, typer.Argument(help="CAR file to write, or - for stdout")],
) -> None:
    """Export the DAG at CID to a CARv1 file."""
    with _one_line_errors():
        root = parse_cid(cid)
        ipfs = _open_store(ctx)
        with _output(file) as stream:
            ipfs.export_car(root, stream)


@app.command("import-car")
def import_car(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="CAR file (v1 or v2) to import, or - for stdin")],
    pin_roots: Annotated[bool, typer.Option(help="Pin the roots the CAR header names")] = True,
) -> None:
    """Import a CAR file, verifying every block; prints its roots."""
    with _one_line_errors():
        ipfs = _open_store(ctx)
        with contextlib.ExitStack() as stack:
            stream = sys.stdin.buffer if file == "-" else stack.enter_context(open(file, "rb"))
            roots = ipfs.import_car(stream, pin_roots=pin_roots)
        for root in roots:
            typer.echo(str(root))


@app.command()
def gc(ctx: typer.Context) -> None:
    """Delete every block that no pin reaches."""
    with _one_line_errors():
        report = _open_store(ctx).gc()
        typer.echo(
            f"removed {report.removed_blocks} blocks ({report.freed_bytes} bytes), "
            f"kept {report.kept_blocks}"
        )


if __name__ == "__main__":
    app()
