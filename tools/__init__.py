"""Developer tools beside the app, never part of it: the synthetic dataset (`python -m tools.synth`), the
benchmark (`python -m tools.bench`) and the load run (`python -m tools.bench.load`). They use the app's
package; `tracker` never imports them, and production installs none of their extra tools
(requirements-dev.txt has them)."""
