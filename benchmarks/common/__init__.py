"""What every benchmark shares, written once: the corpus, the query samples and their seed, the machine and its
load, percentiles, and running a command while measuring its process tree."""
