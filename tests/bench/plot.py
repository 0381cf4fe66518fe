#!/usr/bin/python3
"""A benchmark's rounds as an SVG plot, drawn by Debian's gnuplot (gnuplot-nox).

usage: tests/bench/plot.py FIGURES OUT.svg TITLE LABEL...

FIGURES holds one line per round: a side (the tool, a peer, "without the tool") and one
figure per LABEL, space separated, rounds in the order they ran. Each LABEL gets a panel:
one bar per round and side, the sides side by side and in the order they first appear,
each side's median written in the key, so the plot shows the spread, not only the
median a table gives.
"""
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def gp_string(text):
    """text as a gnuplot single-quoted string: gnuplot runs `...` inside double quotes as
    a shell command, and does nothing inside single quotes but read '' as one quote. A
    line break would end the command: refused. ('@' and '&', markup in the SVG terminal's
    enhanced text, are plain since enhanced text is off.)"""
    if "\n" in text or "\r" in text:
        sys.exit(f"plot.py: a line break in {text!r}")
    return "'" + text.replace("'", "''") + "'"


def read_rounds(path, columns):
    """{side: [[figure per column] per round]}, sides in the order they first appear."""
    rounds = {}
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        fields = line.split()
        if len(fields) != columns + 1:
            sys.exit(f"{path}:{number}: {len(fields) - 1} figure(s), {columns} label(s)")
        try:
            rounds.setdefault(fields[0], []).append([float(v) for v in fields[1:]])
        except ValueError:
            sys.exit(f"{path}:{number}: not a number: {line}")
    if not rounds:
        sys.exit(f"{path}: no rounds")
    return rounds


def panel(data_file, label, rounds, column):
    """gnuplot commands for one panel: rounds on x, a bar per side."""
    sides = list(rounds)
    most = max(len(r) for r in rounds.values())
    with open(data_file, "w") as f:
        for i in range(most):
            row = [str(rounds[s][i][column]) if i < len(rounds[s]) else "NaN" for s in sides]
            f.write(f"{i + 1} " + " ".join(row) + "\n")
    large = max(r[column] for side in sides for r in rounds[side]) >= 10000
    plots = []
    for n, side in enumerate(sides):
        median = statistics.median(r[column] for r in rounds[side])
        shown = f"{median:,.0f}" if large or abs(median) >= 1000 else f"{median:.3g}"
        key = f"{side} (median {shown})"
        using = f"{n + 2}:xtic(1)"
        plots.append(f"{gp_string(data_file)} using {using} title {gp_string(key)}")
    # 7.8M rather than 7.8e+06 on the axis
    y_format = "set format y " + gp_string("%.1s%c" if large else "%g")
    return [f"set title {gp_string(label)}", "set xlabel " + gp_string("round"), y_format,
            "plot " + ", ".join(plots)]


def main():
    if len(sys.argv) < 5:
        sys.exit("usage: plot.py FIGURES OUT.svg TITLE LABEL...")
    figures, out, title, labels = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    rounds = read_rounds(figures, len(labels))
    with tempfile.TemporaryDirectory() as tmp:
        lines = [f"set terminal svg noenhanced size {480 * len(labels)},400 font 'sans,12'",
                 f"set output {gp_string(out)}",
                 "set style data histogram", "set style histogram clustered gap 1",
                 "set style fill solid 0.8 border -1", "set yrange [0:*]",
                 "set key below", "set grid ytics",
                 f"set multiplot layout 1,{len(labels)} title {gp_string(title)}"]
        for column, label in enumerate(labels):
            lines += panel(f"{tmp}/column{column}.dat", label, rounds, column)
        lines.append("unset multiplot")
        script = Path(tmp, "plot.gp")
        script.write_text("\n".join(lines) + "\n")
        try:
            subprocess.run(["gnuplot", str(script)], check=True)
        except FileNotFoundError:
            sys.exit("plot.py: no gnuplot (Debian's gnuplot-nox: scripts/setup.sh --test)")
        except subprocess.CalledProcessError as e:
            sys.exit(f"plot.py: gnuplot exited {e.returncode}")


if __name__ == "__main__":
    main()
