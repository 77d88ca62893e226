"""The original tool's charts, for the chart benchmark: pandas reads its files, matplotlib draws.

usage: charts.py FOLDER history|heatmap WIDTH HEIGHT
FOLDER holds history.csv (one row of state counts per poll) and node_history.jsonl (one line per poll with every
node's state), as the original tool kept them. Draws the chart at WIDTH x HEIGHT pixels, five times; prints the
median seconds (reading + pandas + matplotlib + PNG) and the PNG's size in bytes.
"""
import json
import os
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402

folder, chart, width, height = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
DPI = 100
STATES = ["idle", "mixed", "allocated", "down", "other"]
COLOURS = ["#009E73", "#56B4E9", "#0072B2", "#D55E00", "#888888"]


def history(out):
    frame = pd.read_csv(os.path.join(folder, "history.csv"))
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], unit="s")
    frame = frame.set_index("timestamp").resample("5min").mean()
    figure, axes = plt.subplots(figsize=(width / DPI, height / DPI), dpi=DPI)
    layers = ["allocated", "mixed", "idle", "down", "other"]
    axes.stackplot(frame.index, *[frame[name] for name in layers], labels=layers,
                   colors=[COLOURS[STATES.index(name)] for name in layers])
    axes.plot(frame.index, frame[STATES].sum(axis=1), "--", color="black", label="capacity")
    axes.set_title("Nodes, last 24 h")
    axes.set_ylabel("nodes")
    axes.legend(loc="lower left", ncol=6)
    figure.tight_layout()
    figure.savefig(out)
    plt.close(figure)


def heatmap(out):
    with open(os.path.join(folder, "node_history.jsonl")) as lines:
        polls = [json.loads(line) for line in lines]
    frame = pd.DataFrame([poll["nodes"] for poll in polls],
                         index=pd.to_datetime([poll["timestamp"] for poll in polls], unit="s"))
    frame = frame.reindex(sorted(frame.columns), axis=1)
    codes = frame.apply(lambda column: column.map({name: i for i, name in enumerate(STATES)})).T
    figure, axes = plt.subplots(figsize=(width / DPI, height / DPI), dpi=DPI)
    axes.imshow(codes.to_numpy(dtype=float), aspect="auto", interpolation="nearest",
                cmap=ListedColormap(COLOURS), vmin=0, vmax=len(STATES) - 1)
    if len(codes) <= 100:
        axes.set_yticks(range(len(codes)), codes.index, fontsize=6)
    ticks = range(0, len(codes.columns), 36)
    axes.set_xticks(ticks, [codes.columns[i].strftime("%H:%M") for i in ticks])
    axes.set_title("Node states, last 24 h")
    figure.tight_layout()
    figure.savefig(out)
    plt.close(figure)


draw = {"history": history, "heatmap": heatmap}[chart]
out = os.path.join(folder, f"{chart}-python.png")
seconds = []
for _ in range(5):
    started = time.perf_counter()
    draw(out)
    seconds.append(time.perf_counter() - started)
print(statistics.median(seconds), os.path.getsize(out))
