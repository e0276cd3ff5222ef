"""The version of arsearch, in one place (the package face re-exports it as ``arsearch.__version__``)."""

VERSION = "0.1.0"
