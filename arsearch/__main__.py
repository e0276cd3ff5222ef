"""``python -m arsearch``: the same as the ``arsearch`` command."""

from arsearch.interfaces.cli import main

if __name__ == "__main__":
    main()
