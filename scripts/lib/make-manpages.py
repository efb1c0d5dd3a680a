#!/usr/bin/env python3
"""Writes one mdoc(7) page per command from the argument definitions.

    make-manpages.py OUT_DIR DOC_DIR DATE VERSION TOOL_JSON...

TOOL_JSON is a tool's `--experimental-dump-help` (swift-argument-parser's
description of every command, option and help text), so the pages say what
`--help` says and are never written by hand. DOC_DIR is where the docs are
installed (/usr/share/doc/callhist for the .deb): the help texts' `docs/X.md`
become DOC_DIR/X.md. DATE (YYYY-MM-DD) is the commit's, so a rebuild of the
same source writes the same pages.

The pages are written to lint clean with `mandoc -Tlint` and `groff -ww`
(docs/packaging.md): one sentence per input line, no input line over 80
bytes, no blank lines, `-` written `\\-` (so that copied options work), and
every non-ASCII character as a groff escape. Subcommands are named like
git's (`callhist-archive`), so `man callhist archive`, `man callhist-archive`
and `apropos callhist` find them.
"""
import datetime
import json
import re
import sys

ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "approx.")
ENVIRONMENT = {
    "callhist": [
        ("FUSE_EMAIL", "The login of the Fuse account (or --netrc-file)."),
        ("FUSE_DEVELOPER_KEY", "The developer key; never give it on a command line."),
        ("FUSE_BASE_URL", "The API's base URL (default: https://fuse.plumvoice.com/api)."),
        ("CALLHIST_DB", "The archive when --db is not given (default: ./callhist.sqlite)."),
        ("CALLHIST_CA_BUNDLE", "A PEM file of CA certificates to trust instead of the system's (as --cacert)."),
        ("https_proxy, no_proxy", "Read by libcurl; --proxy overrides them."),
    ],
}
DOCS = [
    ("README.md", "what callhist is, installing it, the command line"),
    ("cron.md", "the nightly job: callhist schedule, exit codes and alerts, proxies, private files"),
    ("reports.md", "every report's definitions"),
    ("reliability.md", "what survives a crash, a full disk, an outage"),
    ("schema.md", "the archive's tables and views"),
    ("postgresql.md", "archiving into PostgreSQL"),
    ("datasette.md", "browsing the archive with Datasette"),
    ("packaging.md", "what the package installs, and how it is checked"),
]


def escape(text, docdir):
    """Plain text to roff: docs paths, quotes, backslashes, dashes, non-ASCII."""
    text = re.sub(r"\bdocs/([A-Za-z0-9_-]+\.md)", lambda m: f"{docdir}/{m.group(1)}", text)
    text = re.sub(r"\bREADME\.md\b", f"{docdir}/README.md", text)
    text = text.replace("\\", "\\e")
    text = re.sub(r"`([^`]*)`", lambda m: "\\(lq" + m.group(1) + "\\(rq", text)
    text = text.replace("-", "\\-")
    out = []
    for ch in text:
        out.append(ch if ord(ch) < 128 else "\\[u%04X]" % ord(ch))
    text = "".join(out)
    for abbreviation in ABBREVIATIONS:  # not the end of a sentence: no break, no double space
        text = text.replace(abbreviation + " ", abbreviation + "\\& ")
    return text


def path_text(path):
    """A path as roff text: only its dashes escaped."""
    return path.replace("-", "\\-")


def sentences(text):
    """A paragraph cut after each sentence (mandoc: new sentence, new line)."""
    return [s for s in re.split(r"(?<=[.!?:;)])(?<!\\&) +(?=[A-Z(\\\"'0-9])", text.strip()) if s]


def wrap(line, width=78):
    """A sentence over lines of at most `width` bytes, cut at spaces."""
    words, lines, current = line.split(" "), [], ""
    for word in words:
        if current and len((current + " " + word).encode()) > width:
            lines.append(current)
            current = word
        else:
            current = (current + " " + word) if current else word
    if current:
        lines.append(current)
    return [("\\&" + l) if l[:1] in (".", "'") else l for l in lines]


def prose(text, docdir):
    """Paragraphs (separated by blank lines in the help) as roff lines."""
    lines = []
    for number, paragraph in enumerate(p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()):
        if number:
            lines.append(".Pp")
        for sentence in sentences(escape(" ".join(paragraph.split()), docdir)):
            lines += wrap(sentence)
    return lines


def option_name(argument):
    names = argument.get("names") or []
    return [("-" if n["kind"] == "short" else "--") + n["name"] for n in names]


def flag_macro(name):
    """`.Fl` prints one dash itself: `--ids` is written `Fl \\-ids`."""
    return "Fl " + name[1:].replace("-", "\\-")


def value_macro(argument):
    value = argument.get("valueName") or "value"
    return "Ar " + value.replace("-", "\\-").replace("|", "\\(ba")


def visible(arguments):
    return [a for a in arguments if a.get("shouldDisplay", True) and a.get("valueName") not in ("help", "version")]


def synopsis(arguments):
    lines, pending_choice = [], []

    def flush_choice():
        if pending_choice:
            lines.append(".Fl " + " | ".join(n[1:].replace("-", "\\-") for n in pending_choice))
            pending_choice.clear()

    for argument in visible(arguments):
        names = option_name(argument)
        if argument["kind"] == "flag" and not argument.get("isOptional", True):
            pending_choice.append(names[-1])  # one of an exclusive set: --cron | --systemd
            continue
        flush_choice()
        more = " ..." if argument.get("isRepeating") else ""
        if argument["kind"] == "positional":
            body = value_macro(argument) + more
        elif argument["kind"] == "flag":
            body = flag_macro(names[-1])
        else:
            body = flag_macro(names[-1]) + " " + value_macro(argument)
        lines.append((".Op " if argument.get("isOptional", True) else ".") + body)
    flush_choice()
    return lines


def options(arguments, docdir):
    lines = [".Bl -tag -width Ds"]
    for argument in visible(arguments):
        names = option_name(argument)
        if argument["kind"] == "positional":
            lines.append(".It " + value_macro(argument) + (" ..." if argument.get("isRepeating") else ""))
        else:
            head = " , ".join(flag_macro(n) for n in names)
            lines.append(".It " + head + ("" if argument["kind"] == "flag" else " " + value_macro(argument)))
        text = argument.get("abstract", "").strip() or "(No description.)"
        if argument.get("discussion"):
            text += "\n\n" + argument["discussion"]
        if argument.get("allValues") and argument["kind"] == "option":
            text += " One of: " + ", ".join(argument["allValues"]) + "."
        if argument.get("defaultValue") not in (None, ""):
            text += " Default: " + argument["defaultValue"] + "."
        lines += prose(text, docdir)
    lines.append(".El")
    return lines


def page_name(path):
    return "-".join(path)


def description(command):
    nd = command.get("abstract", "").strip().rstrip(".")
    return nd[:1].lower() + nd[1:] if nd[1:2].islower() else nd


def write_pages(command, path, out, docdir, date, version, tool):
    subcommands = [s for s in command.get("subcommands", []) if s["commandName"] != "help" and s.get("shouldDisplay", True)]
    name = page_name(path)
    lines = [
        '.\\" Generated by scripts/lib/make-manpages.py from the argument definitions. Do not edit.',
        ".Dd " + date.strftime("%B %-d, %Y"),
        ".Dt " + name.upper() + " 1",
        ".Os",
        ".Sh NAME",
        ".Nm " + name,
        ".Nd " + " ".join(wrap(escape(description(command), docdir), 200)),
        ".Sh SYNOPSIS",
        ".Nm " + " ".join(path),
    ]
    if subcommands:
        lines.append(".Ar command")
        lines.append(".Op Ar options")
    lines += synopsis(command.get("arguments", []))
    lines += [".Sh DESCRIPTION"]
    text = command.get("abstract", "")
    if command.get("discussion"):
        text += "\n\n" + command["discussion"]
    lines += prose(text, docdir)
    if subcommands:
        lines += [".Sh COMMANDS", ".Bl -tag -width Ds"]
        for sub in subcommands:
            lines.append(".It Xr " + page_name(path + [sub["commandName"]]) + " 1")
            lines += prose(sub.get("abstract", ""), docdir)
        lines.append(".El")
    if visible(command.get("arguments", [])):
        lines += [".Sh OPTIONS"] + options(command.get("arguments", []), docdir)
    if len(path) == 1 and path[0] in ENVIRONMENT:
        lines += [".Sh ENVIRONMENT", ".Bl -tag -width Ds"]
        for variable, meaning in ENVIRONMENT[path[0]]:
            lines += [".It Ev " + variable.replace(",", " ,")] + prose(meaning, docdir)
        lines.append(".El")
    if tool == "callhist" and len(path) == 1:
        lines += [".Sh FILES", ".Bl -tag -width Ds"]
        for doc, what in DOCS:
            lines += [".It Pa " + path_text(f"{docdir}/{doc}")] + prose(what[:1].upper() + what[1:] + ".", docdir)
        lines.append(".El")
    see = []
    if len(path) > 1:
        see.append(page_name(path[:-1]))
    see += [page_name(path + [s["commandName"]]) for s in subcommands]
    if tool == "callhist" and "fuse-mock" not in see:
        see.append("fuse-mock")
    if tool == "fuse-mock":
        see.append("callhist")
    see = sorted(set(see))
    lines.append(".Sh SEE ALSO")
    for number, other in enumerate(see):
        lines.append(".Xr " + other + " 1" + (" ," if number < len(see) - 1 else ""))
    lines.append(".Pp")
    lines += wrap("The documentation is installed in " + path_text(docdir) + ":")
    lines.append(".Pa " + path_text(f"{docdir}/README.md") + " ,")
    lines.append(".Pa " + path_text(f"{docdir}/cron.md"))
    lines.append("and the other files there.")
    with open(f"{out}/{name}.1", "w", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")
    for sub in subcommands:
        write_pages(sub, path + [sub["commandName"]], out, docdir, date, version, tool)


def main():
    out, docdir, date, version = sys.argv[1:5]
    date = datetime.date.fromisoformat(date)
    for dump in sys.argv[5:]:
        with open(dump, encoding="utf-8") as f:
            command = json.load(f)["command"]
        tool = command["commandName"]
        write_pages(command, [tool], out, docdir, date, version, tool)


if __name__ == "__main__":
    main()
