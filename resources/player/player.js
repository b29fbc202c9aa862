// DLM Studio player: replays one branch of a denoising timeline from the JSON embedded in this page
// (written by core/html_player.cpp). Plain ES2017, no libraries, no network. Text from the timeline is only
// ever set through textContent, never parsed as HTML.
(function () {
  'use strict';

  const data = JSON.parse(document.getElementById('timeline-data').textContent);
  const records = data.records;
  const last = records.length - 1;
  // id -> [raw piece, text]
  const pieces = new Map(data.pieces.map(function (p) { return [p[0], [p[1], p[2]]]; }));
  const maskId = data.model.mask_id;

  // State codes of the timeline format, and the names the app and the CSV use.
  const STATE_NAMES = {
    p: 'prompt', m: 'masked', r: 'remasked', n: 'committed_this_step', c: 'committed', e: 'edited',
  };

  // Viridis at 11 evenly spaced points with linear interpolation, exactly as ui/color_maps.cpp.
  const VIRIDIS = [
    [0x44, 0x01, 0x54], [0x48, 0x24, 0x75], [0x41, 0x44, 0x87], [0x35, 0x5F, 0x8D], [0x2A, 0x78, 0x8E],
    [0x21, 0x91, 0x8C], [0x22, 0xA8, 0x84], [0x44, 0xBF, 0x70], [0x7A, 0xD1, 0x51], [0xBD, 0xDF, 0x26],
    [0xFD, 0xE7, 0x25],
  ];

  function viridis(t) {
    t = Math.min(1, Math.max(0, t));
    const x = t * (VIRIDIS.length - 1);
    const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
    const f = x - i;
    return [0, 1, 2].map(function (c) { return Math.round(VIRIDIS[i][c] * (1 - f) + VIRIDIS[i + 1][c] * f); });
  }
  function css(c) { return 'rgb(' + c[0] + ',' + c[1] + ',' + c[2] + ')'; }
  // QColor::darker(140): the HSV value divided by 1.4, i.e. every channel scaled alike.
  function darker(c) { return c.map(function (v) { return Math.round(v * 100 / 140); }); }
  // Black or white, whichever reads better (the app's colors::textOn).
  function textOn(c) {
    const l = (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255;
    return l > 0.45 ? '#000000' : '#FFFFFF';
  }

  function isNumber(v) { return typeof v === 'number' && isFinite(v); }
  function fixed(v) { return isNumber(v) ? v.toFixed(3) : '-'; }

  // --- pieces --------------------------------------------------------------------------------------------

  /** The raw piece (sentencepiece spelling), or '' when the file does not know the id. */
  function rawPiece(id) { const p = pieces.get(id); return p === undefined ? '' : p[0]; }
  /**
   * The piece as text, spelled by the app (core/text/piece_text.h) and stored next to the raw piece: U+2581
   * is a space, a byte piece its byte. Unknown ids show as #id.
   */
  function pieceText(id) { const p = pieces.get(id); return p === undefined || p[0] === '' ? '#' + id : p[1]; }
  // Positions whose byte pieces spell one character together: the app put the character at the first and ''
  // at the others; every other position is spelled alone.
  const joined = records.map(function (r) { return new Map(r.joined); });
  function tokenText(i, pos) {
    const t = joined[i].get(pos);
    return t === undefined ? pieceText(records[i].tokens[pos]) : t;
  }
  /**
   * What a chip shows, as the app's canvas does: a leading space becomes a wider gap before the chip (a lone
   * space shows as U+2423), a newline shows as U+21B5 and ends the line, a tab as U+21E5, other control
   * characters as \xNN, and a byte that continues the character of the chip before as U+25CC.
   */
  function chipText(text) {
    let s = text === '' ? '\u25CC' : text;
    const wordStart = s.charAt(0) === ' ';
    if (wordStart && s.length > 1) s = s.slice(1);
    else if (wordStart) s = '\u2423';
    const breakAfter = s.charAt(s.length - 1) === '\n';
    s = s.replace(/\n/g, '\u21B5').replace(/\t/g, '\u21E5');
    s = s.replace(/[\u0000-\u001F\u007F]/g, function (c) {
      return '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0');
    });
    return { text: s, wordStart: wordStart, breakAfter: breakAfter };
  }
  function quoted(id) { return '\u201C' + pieceText(id) + '\u201D'; }

  // --- what each record adds up to -----------------------------------------------------------------------

  // Predictions by position, per record.
  const predictionMaps = records.map(function (r) {
    const m = new Map();
    r.predictions.forEach(function (p) { m.set(p.pos, p); });
    return m;
  });

  // The probability each token had when it was committed, replayed like TimelineDocument does: a commit sets
  // it, a remask or an edit of the position clears it. It tints committed chips.
  const committedP = [];
  (function () {
    let p = [];
    records.forEach(function (r, i) {
      if (p.length !== r.tokens.length) p = r.tokens.map(function () { return NaN; });
      else p = p.slice();
      r.committed.forEach(function (pos) {
        const pred = predictionMaps[i].get(pos);
        p[pos] = pred && isNumber(pred.p) ? pred.p : NaN;
      });
      r.remasked.forEach(function (pos) { p[pos] = NaN; });
      if (r.kind === 'edit' && (r.edit.type === 'set_tokens' || r.edit.type === 'remask'))
        r.edit.positions.forEach(function (pos) { p[pos] = NaN; });
      committedP.push(p);
    });
  })();

  // --- elements -----------------------------------------------------------------------------------------

  const el = function (id) { return document.getElementById(id); };
  const canvas = el('canvas');
  const slider = el('step-slider');
  const label = el('step-label');
  const playButton = el('play');
  const speed = el('speed');
  const inspector = el('inspector');
  const decisionSummary = el('decision-summary');
  const decisionBody = el('decision').tBodies[0];

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  // A glyph from its <template>, without the template's indentation: a chip's text must be the piece alone.
  function withoutText(node) {
    Array.from(node.childNodes).forEach(function (child) {
      if (child.nodeType === Node.TEXT_NODE) child.remove();
      else withoutText(child);
    });
    return node;
  }
  function glyph(name) { return withoutText(el('glyph-' + name).content.firstElementChild.cloneNode(true)); }

  let current = 0;
  let pinned = -1; // position whose details stay in the inspector
  let timer = null;

  // --- details (hover and inspector) ---------------------------------------------------------------------

  function details(i, pos) {
    const r = records[i];
    const code = r.states.charAt(pos);
    const token = r.tokens[pos];
    const lines = ['position ' + pos];
    let state = (STATE_NAMES[code] || 'masked').replace(/_/g, ' ');
    if (r.locked.indexOf(pos) >= 0) state += ', locked';
    lines.push('state: ' + state);
    if (token === maskId) {
      lines.push('token: mask (id ' + token + ')');
    } else {
      const raw = rawPiece(token);
      lines.push('token: ' + quoted(token) + ' id ' + token + (raw === '' ? '' : ', piece ' + raw));
      const p = committedP[i][pos];
      if (isNumber(p)) lines.push('p when committed: ' + fixed(p));
    }
    const pred = predictionMaps[i].get(pos);
    if (pred) {
      lines.push('this step: candidate ' + quoted(pred.id) + ' id ' + pred.id);
      lines.push('confidence ' + fixed(pred.conf) + ', p ' + fixed(pred.p) + ', margin ' + fixed(pred.margin) +
                 ', entropy ' + fixed(pred.entropy) + ' nats');
      if (pred.top.length > 0) {
        lines.push('top ' + pred.top.length + ': ' + pred.top.map(function (t) {
          return quoted(t[0]) + ' ' + fixed(t[1]);
        }).join(', '));
      }
    }
    return lines.join('\n');
  }

  function inspect(pos) {
    inspector.textContent = pos >= 0 && pos < records[current].tokens.length
      ? details(current, pos) : 'Hover a token for its details; click it to keep them here (and copy them).';
  }

  // --- the sequence ---------------------------------------------------------------------------------------

  function chip(i, pos) {
    const r = records[i];
    const code = r.states.charAt(pos);
    const state = STATE_NAMES[code] || 'masked';
    const token = r.tokens[pos];
    const node = make('span', 'chip');
    node.dataset.pos = String(pos);
    node.dataset.state = state;
    const locked = r.locked.indexOf(pos) >= 0;
    if (locked) node.dataset.locked = 'true';

    let shown;
    if (token === maskId || code === 'm' || code === 'r') {
      node.classList.add('mask');
      const pred = predictionMaps[i].get(pos);
      shown = pred ? chipText(pieceText(pred.id)) : { text: '', wordStart: false, breakAfter: false };
      // The candidate is drawn by CSS from this attribute: a mask's text is empty.
      node.dataset.candidate = shown.text;
      if (code === 'r') node.appendChild(glyph('remasked'));
    } else {
      shown = chipText(tokenText(i, pos));
      node.appendChild(make('span', 'chip-text', shown.text));
      if (code === 'p') {
        node.classList.add('prompt');
      } else {
        node.classList.add('token');
        const p = committedP[i][pos];
        const fill = isNumber(p) ? viridis(p) : [255, 255, 255];
        node.style.background = css(fill);
        node.style.color = textOn(fill);
        if (code === 'e') {
          node.classList.add('edited');
          node.appendChild(glyph('edited'));
        } else {
          node.style.borderColor = css(darker(fill));
        }
        if (code === 'n') node.classList.add('new');
      }
    }
    if (locked) node.appendChild(glyph('locked'));
    if (shown.wordStart) node.classList.add('word-start');
    if (pos === pinned) node.classList.add('selected');
    node.title = details(i, pos);
    return { node: node, breakAfter: shown.breakAfter };
  }

  function renderCanvas(i) {
    const nodes = [];
    for (let pos = 0; pos < records[i].tokens.length; ++pos) {
      const c = chip(i, pos);
      nodes.push(c.node);
      if (c.breakAfter) nodes.push(make('div', 'line-break'));
    }
    canvas.replaceChildren.apply(canvas, nodes);
  }

  canvas.addEventListener('mouseover', function (e) {
    const node = e.target.closest('.chip');
    if (node && pinned < 0) inspect(Number(node.dataset.pos));
  });
  canvas.addEventListener('click', function (e) {
    const node = e.target.closest('.chip');
    const pos = node ? Number(node.dataset.pos) : -1;
    pinned = pos === pinned ? -1 : pos;
    canvas.querySelectorAll('.chip.selected').forEach(function (n) { n.classList.remove('selected'); });
    if (node && pinned >= 0) node.classList.add('selected');
    inspect(pinned);
  });

  // --- the remasking decision -----------------------------------------------------------------------------

  function editSummary(r) {
    const where = r.edit.positions.length === 1 ? 'position ' : 'positions ';
    const at = where + r.edit.positions.join(', ');
    switch (r.edit.type) {
    case 'set_tokens':
      return 'Edit: the user set ' + at + (r.edit.text ? ' (typed \u201C' + r.edit.text + '\u201D)' : '') + '.';
    case 'remask': return 'Edit: the user sent ' + at + ' back to the mask.';
    case 'lock': return 'Edit: the user locked ' + at + '; no strategy may change it.';
    case 'unlock': return 'Edit: the user unlocked ' + at + '.';
    default: return 'Edit of ' + at + '.';
    }
  }

  function renderDecision(i) {
    const r = records[i];
    const rows = [];
    if (r.kind === 'initial') {
      const masks = r.states.split('').filter(function (c) { return c === 'm' || c === 'r'; }).length;
      decisionSummary.textContent = 'Initial canvas: the prompt (' + data.prompt.length + ' tokens) and ' + masks +
        ' masked positions. Step forward to see the model fill them in.';
    } else if (r.kind === 'edit') {
      decisionSummary.textContent = editSummary(r);
    } else {
      const committed = new Set(r.committed);
      const remasked = new Set(r.remasked);
      const considered = r.predictions.slice().sort(function (a, b) {
        const ca = isNumber(a.conf) ? a.conf : -Infinity;
        const cb = isNumber(b.conf) ? b.conf : -Infinity;
        return cb - ca || a.pos - b.pos;
      });
      const rule = r.quota >= 0
        ? 'Quota ' + r.quota + ': the ' + r.quota + ' most confident of ' + considered.length +
          ' considered positions are committed; the rest go back to the mask.'
        : 'Threshold \u03C4 = ' + fixed(r.threshold) + ': every considered position with confidence \u2265 \u03C4 is ' +
          'committed (at least the most confident one); the rest go back to the mask.';
      decisionSummary.textContent = rule + ' Block ' + r.block + ', step ' + r.step_in_block + ' in the block: ' +
        r.committed.length + ' committed, ' + r.remasked.length + ' remasked.';
      // The cut sits after the committed positions when they lead the confidence order, as they do by rule.
      let lead = 0;
      while (lead < considered.length && committed.has(considered[lead].pos)) ++lead;
      const cutAt = lead === r.committed.length && lead < considered.length ? lead : -1;
      considered.forEach(function (p, rank) {
        if (rank === cutAt) {
          const cut = make('tr', 'cut');
          const cell = make('td', '', r.quota >= 0 ? 'cut: quota ' + r.quota : 'cut: \u03C4 = ' + fixed(r.threshold));
          cell.colSpan = 5;
          cut.appendChild(cell);
          rows.push(cut);
        }
        const decision = committed.has(p.pos) ? 'committed' : remasked.has(p.pos) ? 'remasked' : '';
        const row = make('tr');
        row.dataset.pos = String(p.pos);
        row.dataset.decision = decision;
        row.appendChild(make('td', 'num', String(rank + 1)));
        row.appendChild(make('td', 'num', String(p.pos)));
        row.appendChild(make('td', '', quoted(p.id)));
        row.appendChild(make('td', 'num', fixed(p.conf)));
        row.appendChild(make('td', '', decision));
        rows.push(row);
      });
    }
    decisionBody.replaceChildren.apply(decisionBody, rows);
    decisionBody.parentNode.hidden = rows.length === 0; // no table for the initial canvas and edits
  }

  // --- navigation -----------------------------------------------------------------------------------------

  function stepLabel(i) {
    const r = records[i];
    const what = r.kind === 'initial' ? 'initial canvas'
      : r.kind === 'edit' ? 'edit after step ' + r.denoise_step
        : 'denoise step ' + r.denoise_step;
    return 'Record ' + i + ' / ' + last + ' \u00B7 ' + what;
  }

  function show(i) {
    current = Math.max(0, Math.min(last, i));
    slider.value = String(current);
    label.textContent = stepLabel(current);
    label.dataset.record = String(current);
    renderCanvas(current);
    renderDecision(current);
    if (pinned >= 0) inspect(pinned);
  }

  function setPlaying(on) {
    if (timer !== null) clearInterval(timer);
    timer = null;
    if (on) {
      if (current >= last) show(0);
      timer = setInterval(function () {
        show(current + 1);
        if (current >= last) setPlaying(false);
      }, Number(speed.value));
    }
    playButton.textContent = on ? 'Pause' : 'Play';
    playButton.dataset.playing = on ? 'true' : 'false';
    playButton.setAttribute('aria-pressed', on ? 'true' : 'false');
  }
  function go(i) { setPlaying(false); show(i); }

  playButton.addEventListener('click', function () {
    setPlaying(timer === null);
    playButton.blur(); // Space must reach the page's handler, not click the button a second time
  });
  slider.addEventListener('input', function () { go(Number(slider.value)); });
  speed.addEventListener('change', function () { if (timer !== null) setPlaying(true); });

  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.target === speed) return;
    switch (e.key) {
    case 'ArrowRight': go(current + 1); break;
    case 'ArrowLeft': go(current - 1); break;
    case 'Home': go(0); break;
    case 'End': go(last); break;
    case ' ': case 'Spacebar': setPlaying(timer === null); break;
    default: return;
    }
    e.preventDefault(); // the slider and the page would otherwise move as well
  });
  document.addEventListener('keyup', function (e) {
    if (e.key === ' ' && e.target !== speed) e.preventDefault(); // no button activation on release
  });

  // --- static parts ---------------------------------------------------------------------------------------

  function fillSettings() {
    const s = data.settings;
    const b = data.branch;
    const rows = [
      ['model', data.model.name || '(unnamed)'],
      ['prompt', data.prompt.text],
      ['branch', b.id + ' \u201C' + b.label + '\u201D' +
        (b.parent >= 0 ? ', forked from branch ' + b.parent + ' after record ' + b.fork_index : '')],
      ['records', String(records.length)],
      ['gen length', String(s.gen_length)],
      ['steps', String(s.steps)],
      ['block length', String(s.block_length)],
      ['temperature', String(s.temperature)],
      ['remasking', s.remasking],
      ['threshold', s.threshold === null ? 'off (fixed quota per step)' : String(s.threshold)],
      ['cfg scale', String(s.cfg_scale)],
      ['seed', s.seed],
      ['top-k', String(s.top_k)],
    ];
    const dl = el('settings');
    rows.forEach(function (row) {
      dl.appendChild(make('dt', '', row[0]));
      dl.appendChild(make('dd', '', row[1]));
    });
    el('subtitle').textContent = '\u201C' + data.prompt.text + '\u201D \u2014 ' + (data.model.name || 'model') +
      ', ' + s.gen_length + ' positions, ' + (s.threshold === null ? s.steps + ' steps' : 'threshold ' + s.threshold);
  }

  function fillLegend() {
    function sample(id, className, text, glyphName) {
      const node = make('span', 'chip ' + className);
      if (className === 'mask') node.dataset.candidate = '';
      else node.appendChild(make('span', 'chip-text', 'token'));
      if (glyphName) node.appendChild(glyph(glyphName));
      const item = el(id);
      item.appendChild(node);
      item.appendChild(document.createTextNode(' ' + text));
    }
    sample('legend-new', 'token new', 'committed this step');
    sample('legend-remasked', 'mask', 'remasked', 'remasked');
    sample('legend-edited', 'token edited', 'edited', 'edited');
    sample('legend-locked', 'token', 'locked', 'locked');
  }

  fillSettings();
  fillLegend();
  slider.max = String(last);
  show(typeof data.start === 'number' ? data.start : 0);
})();
