"""Build hook: the tagger's hot modules are compiled with Cython where a C compiler is at hand.

Everything else about the package is declared in ``pyproject.toml``. The compiled modules are
the same Python source, compiled as it stands: their output is the same (a test checks it
against the plain modules) and they run about a sixth fewer instructions per article (the
README gives the measurements). Where no compiler is available the build falls back to the
plain modules (each extension is optional); set
``NEWSWATCH_PURE_PYTHON=1`` to skip compiling on purpose, for example while editing those
modules: a compiled module hides later edits of its source until the package is built again
(``processors.tagging.compiled`` warns of such stale modules).
"""

from __future__ import annotations

import os

from setuptools import Extension, setup

# the modules every article goes through; loading the gazetteer is not worth compiling
COMPILED_MODULES = ("actors", "context", "events", "given_names", "matching", "organisations",
                    "persons", "records", "regions", "single_names", "tagger", "textnorm")


def _extensions() -> list[Extension]:
    if os.environ.get("NEWSWATCH_PURE_PYTHON", "") not in ("", "0"):
        return []
    from Cython.Build import cythonize

    modules = [Extension(f"processors.tagging.{name}", [f"processors/tagging/{name}.py"],
                         optional=True) for name in COMPILED_MODULES]
    # annotation_typing off: the annotations are for readers and linters; Cython would
    # otherwise enforce them at run time more strictly than Python does
    return cythonize(modules, build_dir="build/cython", quiet=True, nthreads=2,
                     compiler_directives={"language_level": 3, "annotation_typing": False})


# the extensions compile in parallel, one per core
setup(ext_modules=_extensions(), options={"build_ext": {"parallel": os.cpu_count() or 1}})
