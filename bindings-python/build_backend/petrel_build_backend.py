"""The petrel package's build backend: maturin's, with one default changed.

Built through PEP 517 (``pip wheel``, ``pip install``), maturin tags a wheel
``linux_<arch>`` unless the build arguments name a compatibility: its PEP 517
shim passes ``--compatibility off``. Here a bare ``--compatibility`` is passed
instead, which is ``maturin build``'s own default: audit the native library's
symbol versions and take the most compatible ``manylinux`` tag it satisfies
(``manylinux_2_34`` when built on Debian 12), or ``linux`` when none fits, so
a local build never fails for it. A compatibility given with
``-C build-args=...`` or ``MATURIN_PEP517_ARGS`` is left as given. Editable
installs and sdists are maturin's unchanged.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

import maturin
from maturin import (  # noqa: F401 (the PEP 517 hooks this backend re-exports)
    build_editable,
    build_sdist,
    get_requires_for_build_editable,
    get_requires_for_build_sdist,
    get_requires_for_build_wheel,
    prepare_metadata_for_build_wheel,
)


def _with_compatibility(config_settings: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """The config settings with a bare ``--compatibility`` added to the
    build arguments when they name none."""
    args = list(maturin.get_maturin_pep517_args(config_settings))
    if not any(a.startswith(("--compatibility", "--manylinux")) for a in args):
        args.append("--compatibility")
    settings = dict(config_settings or {})
    # maturin reads "maturin.build-args" first, then "build-args".
    settings["maturin.build-args"] = args
    settings["build-args"] = args
    return settings


def build_wheel(
    wheel_directory: str,
    config_settings: Optional[Mapping[str, Any]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    """PEP 517 ``build_wheel``: maturin's, tagged as ``maturin build`` tags."""
    result: str = maturin.build_wheel(wheel_directory, _with_compatibility(config_settings), metadata_directory)
    return result
