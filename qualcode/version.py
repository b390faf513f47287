"""The version of qualcode, in a module of its own: modules inside the package read it from here,
since the package's ``__init__`` imports the project package (lazily) and importing it back from
there would make a cycle."""

__version__ = "0.1.0"
