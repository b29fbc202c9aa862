#!/usr/bin/env python3
"""The standalone HTML player in a real headless browser.

Makes a tiny random model (dlm-make-tiny-model), generates a timeline with `dlmstudio-cli generate
--timeline`, exports the player with `dlmstudio-cli export --format html`, opens the page from disk in
headless Chromium through chromedriver (W3C WebDriver over HTTP, Python standard library only), presses real
keys (Right, Left, End, Home, Space) and checks the shown record, every chip's text and state, and the
remasking decision against the timeline JSON, which this script reads and interprets on its own.

Fails (exit 1), never skips, when chromium or chromedriver is missing: scripts/setup-deps installs them.
"""

import argparse
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

STATE_NAMES = {"p": "prompt", "m": "masked", "r": "remasked", "n": "committed_this_step",
               "c": "committed", "e": "edited"}
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--window-size=1200,900", "--no-first-run", "--no-default-browser-check"]
KEYS = {"Right": "\ue014", "Left": "\ue012", "Home": "\ue011", "End": "\ue010", "Space": "\ue00d"}


class Failure(Exception):
    """A check that did not hold: the message says what was expected and what the page showed."""


def check(condition, message):
    if not condition:
        raise Failure(message)


# --- what the page must show, computed from the timeline file alone -------------------------------------

PLANTED_PIECE = "</script><!--x"  # must reach the page as data, never as markup


def load_expectations(path, branch):
    """A branch's whole history (its parent's records up to the fork, then its own), the pieces, the mask id."""
    with open(path, encoding="utf-8") as f:
        timeline = json.load(f)
    check(timeline.get("format") == "dlmstudio-timeline", "not a timeline file: " + path)
    pieces = {pid: piece for pid, piece in timeline.get("pieces", [])}
    mask_id = timeline["model"]["mask_id"]

    def history(b):
        entry = timeline["branches"][b]
        if entry.get("parent", -1) < 0:
            return list(entry["records"])
        return history(entry["parent"])[:entry["fork_index"] + 1] + entry["records"]

    return history(branch), pieces, mask_id


def add_edited_branch(path):
    """Forks branch 1 off the run at record 2 with two hand-made edit records: set a token whose piece is
    PLANTED_PIECE at a masked position, then lock it. Returns the edited position."""
    with open(path, encoding="utf-8") as f:
        timeline = json.load(f)
    mask_id = timeline["model"]["mask_id"]
    used = {pid for pid, _ in timeline["pieces"]}
    planted = next(i for i in range(5, timeline["model"]["vocab_size"]) if i not in used and i != mask_id)
    timeline["pieces"].append([planted, PLANTED_PIECE])

    base = timeline["branches"][0]["records"][2]
    pos = base["tokens"].index(mask_id)
    # An edit record carries the canvas only: no predictions, no decision.
    keep = ("kind", "denoise_step", "block", "step_in_block", "tokens", "states", "flags")
    edit = {k: v for k, v in base.items() if k in keep}
    edit["kind"] = "edit"
    edit["tokens"] = list(base["tokens"])
    edit["tokens"][pos] = planted
    states = [{"n": "c", "r": "m"}.get(c, c) for c in base["states"]]
    states[pos] = "e"
    edit["states"] = "".join(states)
    edit["edit"] = {"type": "set_tokens", "positions": [pos], "tokens": [planted], "text": PLANTED_PIECE}
    lock = dict(edit, flags=[[pos, 1]], edit={"type": "lock", "positions": [pos]})
    timeline["branches"].append({"id": 1, "parent": 0, "fork_index": 2, "label": "what if",
                                 "records": [edit, lock]})
    with open(path, "w", encoding="utf-8") as f:
        json.dump(timeline, f, ensure_ascii=False)
    return pos


def states_of(record):
    states = record["states"]
    if isinstance(states, str):
        return [STATE_NAMES[c] for c in states]
    return list(states)


def chip_text(piece_id, pieces):
    """The chip text rule documented in docs/exports.md (the app's canvas does the same)."""
    piece = pieces.get(piece_id, "")
    if piece == "":
        return "#%d" % piece_id
    text = piece.replace("\u2581", " ")
    if text.startswith(" "):
        text = text[1:] if len(text) > 1 else "\u2423"
    text = text.replace("\n", "\u21b5").replace("\t", "\u21e5")
    return "".join("\\x%02x" % ord(c) if ord(c) < 0x20 or ord(c) == 0x7F else c for c in text)


def expected_chips(record, pieces, mask_id):
    locked = {pos for pos, bits in record.get("flags", []) if bits & 1}
    chips = []
    for pos, (token, state) in enumerate(zip(record["tokens"], states_of(record))):
        masked = token == mask_id or state in ("masked", "remasked")
        chips.append([pos, state, "" if masked else chip_text(token, pieces), pos in locked])
    return chips


# Viridis as ui/color_maps.cpp defines it: 11 stops, linear interpolation, rounded half up.
VIRIDIS = [(0x44, 0x01, 0x54), (0x48, 0x24, 0x75), (0x41, 0x44, 0x87), (0x35, 0x5F, 0x8D), (0x2A, 0x78, 0x8E),
           (0x21, 0x91, 0x8C), (0x22, 0xA8, 0x84), (0x44, 0xBF, 0x70), (0x7A, 0xD1, 0x51), (0xBD, 0xDF, 0x26),
           (0xFD, 0xE7, 0x25)]


def viridis(t):
    t = min(1.0, max(0.0, t))
    x = t * (len(VIRIDIS) - 1)
    i = min(int(x), len(VIRIDIS) - 2)
    f = x - i
    return tuple(int(math.floor(VIRIDIS[i][c] * (1 - f) + VIRIDIS[i + 1][c] * f + 0.5)) for c in range(3))


def probability_at(record, pos):
    """p(candidate) at a considered position, in either layout of the file's prediction arrays."""
    candidates = record["candidates"]
    index = pos
    if record.get("predictions") == "considered":
        index = sum(1 for c in candidates[:pos] if c >= 0)
    return float(record["probability"][index])


def expected_tints(records, upto):
    """Each position's probability when its token was committed, replayed up to record `upto`."""
    tint = {}
    for record in records[:upto + 1]:
        for pos in record.get("committed", []):
            tint[pos] = probability_at(record, pos)
        for pos in record.get("remasked", []):
            tint.pop(pos, None)
        if record["kind"] == "edit" and record["edit"]["type"] in ("set_tokens", "remask"):
            for pos in record["edit"]["positions"]:
                tint.pop(pos, None)
    return tint


def expected_label(records, i):
    record = records[i]
    step = record.get("denoise_step", 0)
    what = {"initial": "initial canvas", "edit": "edit after step %d" % step}.get(
        record["kind"], "denoise step %d" % step)
    return "Record %d / %d \u00b7 %s" % (i, len(records) - 1, what)


# --- a minimal W3C WebDriver client ----------------------------------------------------------------------

class WebDriver:
    def __init__(self, port):
        self.base = "http://127.0.0.1:%d" % port
        self.session = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read().decode("utf-8"))["value"]
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")
            raise Failure("WebDriver %s %s failed: %s %s" % (method, path, e.code, detail[:500]))

    def wait_ready(self, deadline_s):
        end = time.time() + deadline_s
        while time.time() < end:
            try:
                if self.call("GET", "/status").get("ready"):
                    return
            except (urllib.error.URLError, ConnectionError, Failure):
                pass
            time.sleep(0.2)
        raise Failure("chromedriver did not become ready within %d s" % deadline_s)

    def start(self, chromium, profile_dir):
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium,
                                   "args": CHROMIUM_FLAGS + ["--user-data-dir=" + profile_dir]}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def stop(self):
        if self.session:
            try:
                self.call("DELETE", "/session/" + self.session)
            except Exception:  # the driver is killed right after anyway
                pass
            self.session = None

    def s(self, path):
        return "/session/%s%s" % (self.session, path)

    def open(self, url):
        self.call("POST", self.s("/url"), {"url": url})

    def script(self, source, *args):
        return self.call("POST", self.s("/execute/sync"), {"script": source, "args": list(args)})

    def element_text(self, css):
        found = self.call("POST", self.s("/element"), {"using": "css selector", "value": css})
        element_id = next(iter(found.values()))
        return self.call("GET", self.s("/element/%s/text" % element_id))

    def press(self, key):
        """A real key press through the Actions API: keyDown and keyUp reach the focused document."""
        code = KEYS[key]
        self.call("POST", self.s("/actions"), {"actions": [{
            "type": "key", "id": "keyboard",
            "actions": [{"type": "keyDown", "value": code}, {"type": "keyUp", "value": code}]}]})
        self.call("DELETE", self.s("/actions"))


# --- the checks -------------------------------------------------------------------------------------------

CHIPS_JS = """
return Array.from(document.querySelectorAll('#canvas .chip')).map(function (c) {
  return [Number(c.dataset.pos), c.dataset.state, c.textContent, c.dataset.locked === 'true'];
});"""

DECISION_JS = """
return Array.from(document.querySelectorAll('#decision tbody tr[data-pos]')).map(function (r) {
  return [Number(r.dataset.pos), r.dataset.decision];
});"""


def shown_record(driver):
    return int(driver.script("return document.getElementById('step-label').dataset.record;"))


def wait_for(predicate, what, timeout_s=10.0):
    end = time.time() + timeout_s
    while time.time() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise Failure("timed out waiting for " + what)


def check_record(driver, records, pieces, mask_id, i):
    wait_for(lambda: shown_record(driver) == i, "record %d to be shown" % i)
    label = driver.element_text("#step-label")
    check(label == expected_label(records, i),
          "record %d: step label %r, expected %r" % (i, label, expected_label(records, i)))
    check(int(driver.script("return document.getElementById('step-slider').value;")) == i,
          "record %d: the slider does not follow" % i)
    chips = driver.script(CHIPS_JS)
    expected = expected_chips(records[i], pieces, mask_id)
    check(len(chips) == len(expected), "record %d: %d chips, expected %d" % (i, len(chips), len(expected)))
    for got, want in zip(chips, expected):
        check(got == want, "record %d: chip %r, expected %r" % (i, got, want))
    record = records[i]
    if record["kind"] == "denoise":
        rows = driver.script(DECISION_JS)
        committed = sorted(pos for pos, decision in rows if decision == "committed")
        remasked = sorted(pos for pos, decision in rows if decision == "remasked")
        check(committed == sorted(record.get("committed", [])),
              "record %d: decision panel commits %r, timeline %r" % (i, committed, record.get("committed")))
        check(remasked == sorted(record.get("remasked", [])),
              "record %d: decision panel remasks %r, timeline %r" % (i, remasked, record.get("remasked")))
    print("  record %d ok: %s" % (i, label))


def run_browser_checks(driver, page, records, pieces, mask_id):
    driver.open("file://" + page)
    wait_for(lambda: driver.script("return document.getElementById('step-label').textContent;"),
             "the player to start")
    check(driver.script("return performance.getEntriesByType('resource').length;") == 0,
          "the page loaded external resources")
    last = len(records) - 1
    check(last >= 3, "the run is too short to test navigation")

    check_record(driver, records, pieces, mask_id, 0)
    driver.press("Right")
    check_record(driver, records, pieces, mask_id, 1)
    driver.press("Right")
    driver.press("Right")
    check_record(driver, records, pieces, mask_id, 3)
    driver.press("Left")
    check_record(driver, records, pieces, mask_id, 2)
    driver.press("End")
    check_record(driver, records, pieces, mask_id, last)
    # Committed tokens are tinted by their probability when committed, on the app's viridis map.
    backgrounds = driver.script("""
        return Array.from(document.querySelectorAll('#canvas .chip.token:not(.edited)')).map(function (c) {
          return [Number(c.dataset.pos), getComputedStyle(c).backgroundColor];
        });""")
    tints = expected_tints(records, last)
    check(backgrounds and all(pos in tints for pos, _ in backgrounds), "committed chips without a tint")
    for pos, colour in backgrounds:
        want = "rgb(%d, %d, %d)" % viridis(tints[pos])
        check(colour == want, "chip %d is %s, expected viridis(%.4f) = %s" % (pos, colour, tints[pos], want))
    driver.press("Right")  # stays at the end
    check_record(driver, records, pieces, mask_id, last)
    driver.press("Home")
    check_record(driver, records, pieces, mask_id, 0)
    driver.press("Left")  # stays at the start
    check_record(driver, records, pieces, mask_id, 0)

    # Hovering a considered position shows its candidate and top-k with probabilities.
    first_step = records[1]
    considered = [pos for pos, c in enumerate(first_step.get("candidates", [])) if c >= 0]
    if not considered:  # the "considered" layout keeps candidates dense; fall back to the commits
        considered = first_step.get("committed", [])
    driver.press("Right")
    check_record(driver, records, pieces, mask_id, 1)
    title = driver.script("return document.querySelector('#canvas .chip[data-pos=\"%d\"]').title;"
                          % considered[0])
    check("position %d" % considered[0] in title and "top " in title and "confidence" in title,
          "hover text of position %d lacks its details: %r" % (considered[0], title))

    # Space plays, Space pauses, and the shown record then stays put and matches the timeline.
    driver.press("Home")
    check_record(driver, records, pieces, mask_id, 0)
    driver.press("Space")
    wait_for(lambda: shown_record(driver) >= 1, "playback to advance")
    driver.press("Space")
    check(driver.script("return document.getElementById('play').dataset.playing;") == "false",
          "Space did not pause")
    paused_at = shown_record(driver)
    time.sleep(1.2)
    check(shown_record(driver) == paused_at, "the player kept moving after pause")
    check_record(driver, records, pieces, mask_id, paused_at)


def run_edited_branch_checks(driver, page, records, pieces, mask_id, pos):
    """The forked branch: edit records, a lock, and a piece that spells a closing script tag."""
    driver.open("file://" + page)
    wait_for(lambda: driver.script("return document.getElementById('step-label').textContent;"),
             "the player to start")
    check(driver.script("return document.querySelectorAll('script').length;") == 2,
          "the planted piece changed the page's structure")
    last = len(records) - 1
    driver.press("End")
    check_record(driver, records, pieces, mask_id, last)
    chip = driver.script("var c = document.querySelector('#canvas .chip[data-pos=\"%d\"]');"
                         "return [c.textContent, c.dataset.state, c.dataset.locked];" % pos)
    check(chip == [PLANTED_PIECE, "edited", "true"], "edited, locked chip shows %r" % (chip,))
    check(driver.element_text("#decision-summary").startswith("Edit: the user locked position %d" % pos),
          "the decision panel does not describe the lock")
    driver.press("Left")
    check_record(driver, records, pieces, mask_id, last - 1)
    summary = driver.element_text("#decision-summary")
    check(summary.startswith("Edit: the user set position %d" % pos) and PLANTED_PIECE in summary,
          "the decision panel does not describe the edit: %r" % summary)
    driver.press("Home")
    check_record(driver, records, pieces, mask_id, 0)


# --- set-up ----------------------------------------------------------------------------------------------

def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, timeout=240, **kwargs)
    if result.returncode != 0:
        raise Failure("%s failed (%d): %s" % (" ".join(command), result.returncode, result.stderr.strip()))
    return result


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", required=True, help="the dlmstudio-cli executable")
    parser.add_argument("--tiny-model-maker", required=True, help="the dlm-make-tiny-model executable")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    for tool in (args.chromium, args.chromedriver):
        if not (os.path.isfile(tool) and os.access(tool, os.X_OK)):
            print("test_html_player: FAIL: %s is missing; install Debian's chromium and chromium-driver "
                  "(scripts/setup-deps does)" % tool, file=sys.stderr)
            return 1

    work = tempfile.mkdtemp(prefix="dlm-player-test-")
    driver_process = None
    log = None
    try:
        model = os.path.join(work, "tiny")
        timeline = os.path.join(work, "run.json")
        page = os.path.join(work, "player.html")
        run([args.tiny_model_maker, model])
        run([args.cli, "generate", "--model", model, "--prompt", "The cat sat", "--gen-length", "12",
             "--steps", "6", "--block-length", "4", "--top-k", "3", "--temperature", "1", "--seed", "5",
             "--threads", "1", "--timeline", timeline])
        edited_pos = add_edited_branch(timeline)
        run([args.cli, "export", "--timeline", timeline, "--format", "html", "--out", page])
        fork_page = os.path.join(work, "fork.html")
        run([args.cli, "export", "--timeline", timeline, "--format", "html", "--branch", "1", "--out", fork_page])
        records, pieces, mask_id = load_expectations(timeline, 0)
        fork_records = load_expectations(timeline, 1)[0]

        port = free_port()
        log = open(os.path.join(work, "chromedriver.log"), "w")
        # Its own process group, so the browser it starts goes down with it at the end.
        driver_process = subprocess.Popen([args.chromedriver, "--port=%d" % port], stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True)
        driver = WebDriver(port)
        driver.wait_ready(30)
        driver.start(args.chromium, os.path.join(work, "profile"))
        try:
            run_browser_checks(driver, page, records, pieces, mask_id)
            print("branch 1 (edits):")
            run_edited_branch_checks(driver, fork_page, fork_records, pieces, mask_id, edited_pos)
        finally:
            driver.stop()
        print("test_html_player: PASS (%d records, and a branch with %d)" % (len(records), len(fork_records)))
        return 0
    except Failure as e:
        print("test_html_player: FAIL: %s" % e, file=sys.stderr)
        return 1
    finally:
        if driver_process is not None:
            try:
                os.killpg(driver_process.pid, signal.SIGTERM)
                driver_process.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(driver_process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                driver_process.wait()
        if log is not None:
            log.close()
        if args.keep:
            print("test_html_player: files kept in " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
