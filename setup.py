"""Package list for setuptools: the package, plus two folders the user wanted at the top level.

`grammar/` ships as ``refocus_dsl.grammar`` (package data) and `plugins/` as
``refocus_plugins`` (the built-in edit tools, registered by entry point).
Everything else is declared in pyproject.toml.
"""

from setuptools import find_packages, setup

packages = find_packages(include=["refocus_dsl", "refocus_dsl.*"])
packages += ["refocus_dsl.grammar", "refocus_plugins"]
packages += [f"refocus_plugins.{p}" for p in find_packages(where="plugins")]

setup(packages=packages)
