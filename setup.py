"""Build hook: the tagger's hot modules are compiled with Cython where a C compiler works.

Everything else about the package is declared in ``pyproject.toml``. The compiled modules are
the same Python source, compiled as it stands: their output is the same (a test checks it
against the plain modules) and they run about a sixth fewer instructions per article (the
README gives the measurements).

Compiling is never required. Before building, the hook compiles a one-line C file; when that
fails (no compiler, a broken one, ``CC=/nonexistent/cc``) it says so once and installs the plain
modules. Each extension is optional as well, so a module that fails to compile alone falls back
to its source. Set ``NEWSWATCH_PURE_PYTHON=1`` to skip compiling on purpose, for example while
editing those modules: a compiled module hides later edits of its source until the package is
built again (``newswatch.processors.tagging.compiled`` warns of such stale modules).

Compile flags: ``-O2 -g0`` instead of the interpreter's ``-O3 -g`` halves the compile time of
these large generated files (the README gives the install time) for no measurable loss.
"""

from __future__ import annotations

import os
import sys
import tempfile

from setuptools import Extension, find_packages, setup

try:  # Cython's build_ext cythonizes each extension just before compiling it
    from Cython.Distutils import build_ext
except ImportError:  # a build without Cython (no build isolation): plain Python
    from setuptools.command.build_ext import build_ext

# the modules every article goes through; loading the gazetteer is not worth compiling
COMPILED_MODULES = ("actors", "context", "events", "given_names", "intervals", "matching",
                    "organisations", "persons", "records", "regions", "single_names", "tagger",
                    "textnorm")
FAST_FLAGS = ["-O2", "-g0"]
# annotation_typing off: the annotations are for readers and linters; Cython would otherwise
# enforce them at run time more strictly than Python does
DIRECTIVES = {"language_level": 3, "annotation_typing": False}


def _say(message: str) -> None:
    print(f"newswatch build: {message}", file=sys.stderr, flush=True)


def _pure_python_requested() -> bool:
    return os.environ.get("NEWSWATCH_PURE_PYTHON", "") not in ("", "0")


class OptionalCompiledBuild(build_ext):
    """Compile the hot modules, or leave them as plain Python when that cannot work."""

    def run(self) -> None:
        if not self.extensions:
            return
        if _pure_python_requested():
            _say("NEWSWATCH_PURE_PYTHON is set: the tagger installs as plain Python")
            return
        if not hasattr(self, "cython_directives"):
            _say("Cython is not installed: the tagger installs as plain Python")
            return
        if not self._compiler_works():
            _say("no working C compiler: the tagger installs as plain Python (same output, "
                 "slower)")
            return
        super().run()

    def _compiler_works(self) -> bool:
        from distutils.ccompiler import new_compiler
        from distutils.sysconfig import customize_compiler

        compiler = new_compiler(compiler=self.compiler)
        customize_compiler(compiler)
        with tempfile.TemporaryDirectory() as folder:
            source = os.path.join(folder, "probe.c")
            with open(source, "w", encoding="ascii") as handle:
                handle.write("int newswatch_probe(void) { return 0; }\n")
            try:
                compiler.compile([source], output_dir=folder)
            except Exception:  # noqa: BLE001 - any failure means: build without compiling
                return False
        return True


def _extensions() -> list[Extension]:
    if _pure_python_requested():
        return []
    extensions = []
    for name in COMPILED_MODULES:
        extension = Extension(f"newswatch.processors.tagging.{name}",
                              [f"processors/tagging/{name}.py"], optional=True,
                              extra_compile_args=FAST_FLAGS)
        extension.cython_directives = DIRECTIVES  # type: ignore[attr-defined]
        extension.cython_c_in_temp = True  # type: ignore[attr-defined]  # C files in build/
        extensions.append(extension)
    return extensions


# The role folders stay beside the shared package in the source tree (the layout is the
# architecture) and install under one namespace: ingest/ as newswatch.ingest, and so on.
ROLE_FOLDERS = ("ingest", "processors", "sinks")


def _packages() -> tuple[list[str], dict[str, str]]:
    packages = find_packages(".", include=["newswatch", "newswatch.*"])
    folders = {"newswatch": "newswatch"}
    for folder in ROLE_FOLDERS:
        folders[f"newswatch.{folder}"] = folder
        packages += [f"newswatch.{name}"
                     for name in find_packages(".", include=[folder, f"{folder}.*"])]
    return packages, folders


PACKAGES, PACKAGE_DIR = _packages()
# the extensions compile in parallel, one per core
setup(packages=PACKAGES, package_dir=PACKAGE_DIR, ext_modules=_extensions(), cmdclass={"build_ext": OptionalCompiledBuild},
      options={"build_ext": {"parallel": os.cpu_count() or 1}})
