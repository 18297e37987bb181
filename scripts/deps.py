"""Print the project's requirements from pyproject.toml, one per line, so set-up has one source of truth.

--only NAME prints that requirement; --except NAME leaves it out; --extra E adds an optional group.
"""
import argparse
import re
import tomllib
from pathlib import Path


def requirement_name(req: str) -> str:
    return re.split(r"[<>=!~;\[ ]", req, maxsplit=1)[0].lower()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only")
    ap.add_argument("--except", dest="skip", action="append", default=[])
    ap.add_argument("--extra", action="append", default=[])
    args = ap.parse_args()
    project = tomllib.loads(Path(__file__).resolve().parent.parent.joinpath("pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in args.extra:
        reqs += project["optional-dependencies"][extra]
    if args.only:
        reqs = [r for r in reqs if requirement_name(r) == args.only.lower()]
    skip = {s.lower() for s in args.skip}
    print("\n".join(r for r in reqs if requirement_name(r) not in skip))


if __name__ == "__main__":
    main()
