"""``python -m benchmarks``: the README's headline figures in one run (:mod:`benchmarks.headline`)."""

import sys

from benchmarks.headline import main

sys.exit(main())
