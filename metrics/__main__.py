"""Command line: python -m metrics analyze FILE [FILE ...] --scenario startup --format json [--lang nb].

Exit codes: 0 when every file was used; 1 when the report was written but a file (or a table in it) could not
be used, each such file named on standard error; 2 when there was nothing to analyse, every file's error
named, or the command itself was wrong.
"""

from __future__ import annotations

import argparse
import json
import sys

from i18n import DEFAULT_LANGUAGE, LANGUAGES, language
from metrics.errors import InputError, error_message
from metrics.ingest import MAX_MAPPING_BYTES, validate_mapping
from metrics.report import NothingToAnalyse, analyze_files, to_csv, to_dict
from metrics.scenarios import SCENARIOS
from metrics.text import N_


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m metrics",
        description="Sales activity vs performance.",
        epilog="Exit codes: 0 all files used; 1 report written, but a file could not be used; 2 nothing to analyse.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    analyze = commands.add_parser("analyze", help="analyse spreadsheets and print the per-rep results")
    analyze.add_argument("files", nargs="+", metavar="FILE", help=".xlsx or .csv files")
    analyze.add_argument("--scenario", choices=sorted(SCENARIOS), default="startup")
    analyze.add_argument(
        "--format",
        choices=("json", "csv", "xlsx", "pdf"),
        default="json",
        help="json or csv: the per-rep results; xlsx or pdf: the dashboard's own reports",
    )
    analyze.add_argument("--output", "-o", help="write here instead of standard output (needed for xlsx and pdf)")
    analyze.add_argument("--currency", help="the currency amounts are in, e.g. NOK (for xlsx and pdf)")
    analyze.add_argument(
        "--mapping",
        metavar="FILE.json",
        help="a mapping saved on the Data page: column choices, statuses, activity types",
    )
    analyze.add_argument(
        "--lang",
        choices=sorted(LANGUAGES),
        default=DEFAULT_LANGUAGE,
        help="the language of the findings, warnings and errors (en, nb)",
    )
    args = parser.parse_args(argv)
    from metrics import sandbox

    say = language(args.lang).render

    def error(problem: InputError) -> None:
        print(f"error: {say(error_message(problem))}", file=sys.stderr)

    sandbox.pool().warm()  # the reader's imports run in its process while this one imports the engine
    try:
        mapping = _read_mapping(args.mapping) if args.mapping else None
        analysis = analyze_files(args.files, args.scenario, mapping)
    except NothingToAnalyse as nothing:
        for problem in nothing.errors:
            error(problem)
        return 2
    except InputError as problem:
        error(problem)
        return 2
    for unusable in analysis.dataset.errors:
        error(unusable)
    for warning in analysis.dataset.warnings:
        print(f"warning: {say(warning)}", file=sys.stderr)
    if args.format == "json":
        payload = (json.dumps(to_dict(analysis, args.lang), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    elif args.format == "csv":
        payload = to_csv(analysis.reps())
    else:
        if not args.output:
            error(InputError(N_("--format {format} needs --output FILE.{format}"), format=args.format))
            return 2
        # The same Excel report and PDF summary as the dashboard's Export, for scheduled reports.
        from exports import write_report

        write_report(analysis, args.format, args.lang, args.output, currency=args.currency)
        return 1 if analysis.dataset.errors else 0
    if args.output:
        with open(args.output, "wb") as out:
            out.write(payload)
    else:
        sys.stdout.buffer.write(payload)
    return 1 if analysis.dataset.errors else 0


def _read_mapping(path: str) -> dict:
    try:
        with open(path, "rb") as handle:
            content = handle.read(MAX_MAPPING_BYTES + 1)
    except OSError as error:
        raise InputError(N_("The file can't be read ({reason})."), path, reason=error.strerror) from None
    try:
        return validate_mapping(content)
    except InputError as error:
        raise InputError(error.message, path) from None


if __name__ == "__main__":
    sys.exit(main())
