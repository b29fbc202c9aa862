#!/usr/bin/env python3
"""The standalone HTML player in a real headless browser.

Makes a tiny random model (dlm-make-tiny-model), generates a timeline with `dlmstudio-cli generate
--timeline`, exports the player with `dlmstudio-cli export --format html`, opens the page from disk in
headless Chromium through chromedriver with Selenium (Debian's python3-selenium), presses real keys (Right,
Left, End, Home, Space) and checks the shown record, every chip's text and state, and the remasking decision
against the timeline JSON, which this script reads and interprets on its own.

Fails (exit 1), never skips, when chromium, chromedriver or Selenium is missing: scripts/setup-deps installs
them.
"""

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

STATE_NAMES = {"p": "prompt", "m": "masked", "r": "remasked", "n": "committed_this_step",
               "c": "committed", "e": "edited"}
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--window-size=1200,900", "--no-first-run", "--no-default-browser-check"]


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


# Byte pieces the edit writes into the last four positions: a newline, then an em dash spelled as its three
# UTF-8 bytes, which the player must show as one character (and the two chips that continue it as U+25CC).
BYTE_PIECES = ["<0x0A>", "<0xE2>", "<0x80>", "<0x94>"]


def add_edited_branch(path):
    """Forks branch 1 off the run at record 2 with two hand-made edit records: set a token whose piece is
    PLANTED_PIECE at a masked position and the last four (masked) positions to BYTE_PIECES, then lock the
    first. Returns the positions set, the planted one first."""
    with open(path, encoding="utf-8") as f:
        timeline = json.load(f)
    mask_id = timeline["model"]["mask_id"]
    by_piece = {piece: pid for pid, piece in timeline["pieces"]}
    used = set(by_piece.values())
    free = (i for i in range(5, timeline["model"]["vocab_size"]) if i not in used and i != mask_id)
    planted = next(free)
    timeline["pieces"].append([planted, PLANTED_PIECE])
    byte_ids = []
    for piece in BYTE_PIECES:
        if piece not in by_piece:
            by_piece[piece] = next(free)
            timeline["pieces"].append([by_piece[piece], piece])
        byte_ids.append(by_piece[piece])
    timeline["pieces"].sort()

    base = timeline["branches"][0]["records"][2]
    pos = base["tokens"].index(mask_id)
    tail = list(range(len(base["tokens"]) - len(BYTE_PIECES), len(base["tokens"])))
    check(pos not in tail and all(base["tokens"][p] == mask_id for p in tail),
          "record 2 does not end in %d masks" % len(tail))
    # An edit record carries the canvas only: no predictions, no decision.
    keep = ("kind", "denoise_step", "block", "step_in_block", "tokens", "states", "flags")
    edit = {k: v for k, v in base.items() if k in keep}
    edit["kind"] = "edit"
    edit["tokens"] = list(base["tokens"])
    states = [{"n": "c", "r": "m"}.get(c, c) for c in base["states"]]
    for p, token in zip([pos] + tail, [planted] + byte_ids):
        edit["tokens"][p] = token
        states[p] = "e"
    edit["states"] = "".join(states)
    edit["edit"] = {"type": "set_tokens", "positions": [pos] + tail, "tokens": [planted] + byte_ids,
                    "text": PLANTED_PIECE}
    lock = dict(edit, flags=[[pos, 1]], edit={"type": "lock", "positions": [pos]})
    timeline["branches"].append({"id": 1, "parent": 0, "fork_index": 2, "label": "what if",
                                 "records": [edit, lock]})
    with open(path, "w", encoding="utf-8") as f:
        json.dump(timeline, f, ensure_ascii=False)
    return [pos] + tail


def states_of(record):
    states = record["states"]
    if isinstance(states, str):
        return [STATE_NAMES[c] for c in states]
    return list(states)


def piece_byte(piece):
    """The byte of a byte-fallback piece ("<0xE2>"), or None."""
    match = re.fullmatch(r"<0x([0-9A-F]{2})>", piece)
    return int(match.group(1), 16) if match else None


def sequence_texts(pieces_in_order):
    """Each position's text, as docs/exports.md describes it: a byte below 0x80 is its character, byte pieces
    that together are one valid UTF-8 character give it at the first position and '' at the others (Python's
    strict decoder is the judge of validity), any other byte keeps its spelling, U+2581 is a space."""
    texts = []
    i = 0
    while i < len(pieces_in_order):
        piece = pieces_in_order[i]
        byte = piece_byte(piece)
        if byte is None or byte < 0x80:
            texts.append(piece.replace("\u2581", " ") if byte is None else chr(byte))
            i += 1
            continue
        character, length = None, 1
        for length in (2, 3, 4):
            run = [piece_byte(p) for p in pieces_in_order[i:i + length]]
            if len(run) < length or None in run:
                break
            try:
                decoded = bytes(run).decode("utf-8")
            except UnicodeDecodeError:
                continue
            if len(decoded) == 1:
                character = decoded
                break
        if character is None:
            texts.append(piece)
            i += 1
        else:
            texts += [character] + [""] * (length - 1)
            i += length
    return texts


def chip_text(text):
    """The chip text rule documented in docs/exports.md (the app's canvas does the same)."""
    if text == "":
        return "\u25cc"  # continues the character of the chip before
    if text.startswith(" "):
        text = text[1:] if len(text) > 1 else "\u2423"
    text = text.replace("\n", "\u21b5").replace("\t", "\u21e5")
    return "".join("\\x%02x" % ord(c) if ord(c) < 0x20 or ord(c) == 0x7F else c for c in text)


def expected_chips(record, pieces, mask_id):
    locked = {pos for pos, bits in record.get("flags", []) if bits & 1}
    tokens = record["tokens"]
    texts = sequence_texts(["" if t == mask_id else pieces.get(t, "") for t in tokens])
    chips = []
    for pos, (token, state) in enumerate(zip(tokens, states_of(record))):
        masked = token == mask_id or state in ("masked", "remasked")
        if masked:
            shown = ""
        elif pieces.get(token, "") == "":
            shown = "#%d" % token
        else:
            shown = chip_text(texts[pos])
        chips.append([pos, state, shown, pos in locked])
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


# --- the browser, through Selenium ----------------------------------------------------------------------

def start_browser(chromium, chromedriver, work):
    """Headless Chromium driven by chromedriver. Selenium is imported here so that a missing python3-selenium
    is reported as a failure like a missing browser, not as a traceback before the checks start."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS + ["--user-data-dir=" + os.path.join(work, "profile")]:
        options.add_argument(flag)
    service = Service(executable_path=chromedriver, log_path=os.path.join(work, "chromedriver.log"))
    return webdriver.Chrome(service=service, options=options)


def element_text(driver, css):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, css).text


def press(driver, key):
    """A real key press through the Actions API: keyDown and keyUp reach the focused document."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    code = {"Right": Keys.ARROW_RIGHT, "Left": Keys.ARROW_LEFT, "Home": Keys.HOME, "End": Keys.END,
            "Space": Keys.SPACE}[key]
    ActionChains(driver).send_keys(code).perform()


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
    return int(driver.execute_script("return document.getElementById('step-label').dataset.record;"))


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
    label = element_text(driver, "#step-label")
    check(label == expected_label(records, i),
          "record %d: step label %r, expected %r" % (i, label, expected_label(records, i)))
    check(int(driver.execute_script("return document.getElementById('step-slider').value;")) == i,
          "record %d: the slider does not follow" % i)
    chips = driver.execute_script(CHIPS_JS)
    expected = expected_chips(records[i], pieces, mask_id)
    check(len(chips) == len(expected), "record %d: %d chips, expected %d" % (i, len(chips), len(expected)))
    for got, want in zip(chips, expected):
        check(got == want, "record %d: chip %r, expected %r" % (i, got, want))
    record = records[i]
    if record["kind"] == "denoise":
        rows = driver.execute_script(DECISION_JS)
        committed = sorted(pos for pos, decision in rows if decision == "committed")
        remasked = sorted(pos for pos, decision in rows if decision == "remasked")
        check(committed == sorted(record.get("committed", [])),
              "record %d: decision panel commits %r, timeline %r" % (i, committed, record.get("committed")))
        check(remasked == sorted(record.get("remasked", [])),
              "record %d: decision panel remasks %r, timeline %r" % (i, remasked, record.get("remasked")))
    print("  record %d ok: %s" % (i, label))


def run_browser_checks(driver, page, records, pieces, mask_id):
    driver.get("file://" + page)
    wait_for(lambda: driver.execute_script("return document.getElementById('step-label').textContent;"),
             "the player to start")
    check(driver.execute_script("return performance.getEntriesByType('resource').length;") == 0,
          "the page loaded external resources")
    last = len(records) - 1
    check(last >= 3, "the run is too short to test navigation")

    check_record(driver, records, pieces, mask_id, 0)
    press(driver, "Right")
    check_record(driver, records, pieces, mask_id, 1)
    press(driver, "Right")
    press(driver, "Right")
    check_record(driver, records, pieces, mask_id, 3)
    press(driver, "Left")
    check_record(driver, records, pieces, mask_id, 2)
    press(driver, "End")
    check_record(driver, records, pieces, mask_id, last)
    # Committed tokens are tinted by their probability when committed, on the app's viridis map.
    backgrounds = driver.execute_script("""
        return Array.from(document.querySelectorAll('#canvas .chip.token:not(.edited)')).map(function (c) {
          return [Number(c.dataset.pos), getComputedStyle(c).backgroundColor];
        });""")
    tints = expected_tints(records, last)
    check(backgrounds and all(pos in tints for pos, _ in backgrounds), "committed chips without a tint")
    for pos, colour in backgrounds:
        want = "rgb(%d, %d, %d)" % viridis(tints[pos])
        check(colour == want, "chip %d is %s, expected viridis(%.4f) = %s" % (pos, colour, tints[pos], want))
    press(driver, "Right")  # stays at the end
    check_record(driver, records, pieces, mask_id, last)
    press(driver, "Home")
    check_record(driver, records, pieces, mask_id, 0)
    press(driver, "Left")  # stays at the start
    check_record(driver, records, pieces, mask_id, 0)

    # Hovering a considered position shows its candidate and top-k with probabilities.
    first_step = records[1]
    considered = [pos for pos, c in enumerate(first_step.get("candidates", [])) if c >= 0]
    if not considered:  # the "considered" layout keeps candidates dense; fall back to the commits
        considered = first_step.get("committed", [])
    press(driver, "Right")
    check_record(driver, records, pieces, mask_id, 1)
    title = driver.execute_script("return document.querySelector('#canvas .chip[data-pos=\"%d\"]').title;"
                                  % considered[0])
    check("position %d" % considered[0] in title and "top " in title and "confidence" in title,
          "hover text of position %d lacks its details: %r" % (considered[0], title))

    # Space plays, Space pauses, and the shown record then stays put and matches the timeline.
    press(driver, "Home")
    check_record(driver, records, pieces, mask_id, 0)
    press(driver, "Space")
    wait_for(lambda: shown_record(driver) >= 1, "playback to advance")
    press(driver, "Space")
    check(driver.execute_script("return document.getElementById('play').dataset.playing;") == "false",
          "Space did not pause")
    paused_at = shown_record(driver)
    time.sleep(1.2)
    check(shown_record(driver) == paused_at, "the player kept moving after pause")
    check_record(driver, records, pieces, mask_id, paused_at)


def run_edited_branch_checks(driver, page, records, pieces, mask_id, positions):
    """The forked branch: edit records, a lock, a piece that spells a closing script tag, and byte pieces."""
    pos, tail = positions[0], positions[1:]
    driver.get("file://" + page)
    wait_for(lambda: driver.execute_script("return document.getElementById('step-label').textContent;"),
             "the player to start")
    check(driver.execute_script("return document.querySelectorAll('script').length;") == 2,
          "the planted piece changed the page's structure")
    last = len(records) - 1
    press(driver, "End")
    check_record(driver, records, pieces, mask_id, last)
    chip = driver.execute_script("var c = document.querySelector('#canvas .chip[data-pos=\"%d\"]');"
                                 "return [c.textContent, c.dataset.state, c.dataset.locked];" % pos)
    check(chip == [PLANTED_PIECE, "edited", "true"], "edited, locked chip shows %r" % (chip,))
    # Spelled out by hand as well as by sequence_texts(): a newline, the em dash, two continuation marks.
    shown = driver.execute_script("return %s.map(function (p) {"
                                  "  return document.querySelector('#canvas .chip[data-pos=\"' + p + '\"]').textContent;"
                                  "});" % json.dumps(tail))
    check(shown == ["\u21b5", "\u2014", "\u25cc", "\u25cc"], "byte pieces show as %r" % (shown,))
    check(element_text(driver, "#decision-summary").startswith("Edit: the user locked position %d" % pos),
          "the decision panel does not describe the lock")
    press(driver, "Left")
    check_record(driver, records, pieces, mask_id, last - 1)
    summary = element_text(driver, "#decision-summary")
    where = "Edit: the user set positions " + ", ".join(str(p) for p in positions)
    check(summary.startswith(where) and PLANTED_PIECE in summary,
          "the decision panel does not describe the edit: %r" % summary)
    press(driver, "Home")
    check_record(driver, records, pieces, mask_id, 0)


# --- set-up ----------------------------------------------------------------------------------------------

def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, timeout=240, **kwargs)
    if result.returncode != 0:
        raise Failure("%s failed (%d): %s" % (" ".join(command), result.returncode, result.stderr.strip()))
    return result


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
    try:
        import selenium  # noqa: F401  (used in start_browser)
    except ImportError:
        print("test_html_player: FAIL: Selenium is missing from %s; install Debian's python3-selenium "
              "(scripts/setup-deps does) and run this with /usr/bin/python3" % sys.executable, file=sys.stderr)
        return 1
    from selenium.common.exceptions import WebDriverException

    work = tempfile.mkdtemp(prefix="dlm-player-test-")
    driver = None
    try:
        model = os.path.join(work, "tiny")
        timeline = os.path.join(work, "run.json")
        page = os.path.join(work, "player.html")
        run([args.tiny_model_maker, model])
        run([args.cli, "generate", "--model", model, "--prompt", "The cat sat", "--gen-length", "12",
             "--steps", "6", "--block-length", "4", "--top-k", "3", "--temperature", "1", "--seed", "5",
             "--threads", "1", "--timeline", timeline])
        edited = add_edited_branch(timeline)
        run([args.cli, "export", "--timeline", timeline, "--format", "html", "--out", page])
        fork_page = os.path.join(work, "fork.html")
        run([args.cli, "export", "--timeline", timeline, "--format", "html", "--branch", "1", "--out", fork_page])
        records, pieces, mask_id = load_expectations(timeline, 0)
        fork_records = load_expectations(timeline, 1)[0]

        driver = start_browser(args.chromium, args.chromedriver, work)
        run_browser_checks(driver, page, records, pieces, mask_id)
        print("branch 1 (edits):")
        run_edited_branch_checks(driver, fork_page, fork_records, pieces, mask_id, edited)
        print("test_html_player: PASS (%d records, and a branch with %d)" % (len(records), len(fork_records)))
        return 0
    except (Failure, WebDriverException) as e:
        print("test_html_player: FAIL: %s" % e, file=sys.stderr)
        return 1
    finally:
        if driver is not None:
            driver.quit()  # ends the browser and chromedriver
        if args.keep:
            print("test_html_player: files kept in " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
