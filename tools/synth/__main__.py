"""python -m tools.synth --help: the synthetic dataset's command (cli.py)."""

from .cli import main

main()
