// narrate's read-along player. Everything it needs is in the page: sentences are
// <span class="s" data-start data-end> (milliseconds of program time), chapters are links
// with data-start, and #tracks lists the audio: episode.mp3 alone, or the paragraph files
// in order (each with its place in the program), played one after another.
(function () {
  'use strict';
  var audio = document.getElementById('audio');
  var playButton = document.getElementById('play');
  var playIcon = document.getElementById('play-icon');
  var seekBar = document.getElementById('seek');
  var timeText = document.getElementById('time');
  var speed = document.getElementById('speed');
  var status = document.getElementById('status');
  var reduced = window.matchMedia('(prefers-reduced-motion: reduce)');
  var PLAY = 'M7 4v16l13-8z';
  var PAUSE = 'M6 4h4v16H6zM14 4h4v16h-4z';

  function ms(el, name) { return Number(el.getAttribute(name)) || 0; }
  var tracks = Array.prototype.map.call(document.querySelectorAll('#tracks li'), function (li) {
    return { src: li.getAttribute('data-src'), start: ms(li, 'data-start'), end: ms(li, 'data-end') };
  });
  var sentences = Array.prototype.map.call(document.querySelectorAll('#text .s'), function (el) {
    return { el: el, start: ms(el, 'data-start'), end: ms(el, 'data-end') };
  });
  var chapters = Array.prototype.map.call(document.querySelectorAll('#chapters a'), function (a) {
    return { el: a, start: ms(a, 'data-start') };
  });
  var total = tracks.length ? tracks[tracks.length - 1].end : 0;

  var current = -1;       // index of the loaded track
  var pending = null;     // program time (ms) to go to once the track is loaded
  var wantPlay = false;   // play once loaded
  var active = -1;        // index of the highlighted sentence
  var activeChapter = -1;
  var rate = 1;

  function clock(t) {
    var s = Math.floor(t / 1000), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    var ss = String(s % 60).padStart(2, '0');
    return h ? h + ':' + String(m).padStart(2, '0') + ':' + ss : m + ':' + ss;
  }

  // Program time now, ms.
  function now() {
    if (pending !== null) return pending;
    if (current < 0) return 0;
    return Math.round(tracks[current].start + audio.currentTime * 1000);
  }

  // Index of the last item whose start is at or before t (-1 if none).
  function lastStarted(items, t) {
    var lo = 0, hi = items.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (items[mid].start <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  function inView(el) {
    var r = el.getBoundingClientRect();
    var bottom = window.innerHeight - document.querySelector('.player').offsetHeight;
    return r.top >= 0 && r.bottom <= bottom;
  }

  function follow(el, instant) {
    if (el && !inView(el)) {
      el.scrollIntoView({ block: 'center', behavior: instant || reduced.matches ? 'auto' : 'smooth' });
    }
  }

  // Highlights the sentence being heard at program time t and updates the controls;
  // scroll: false, true (smoothly unless reduced motion is asked for) or 'instant'.
  function show(t, scroll) {
    var i = lastStarted(sentences, t);
    if (i !== active) {
      if (active >= 0) {
        sentences[active].el.classList.remove('active');
        sentences[active].el.removeAttribute('aria-current');
      }
      active = i;
      if (i >= 0) {
        sentences[i].el.classList.add('active');
        sentences[i].el.setAttribute('aria-current', 'true');
        if (scroll) follow(sentences[i].el, scroll === 'instant');
      }
    }
    var c = lastStarted(chapters, t);
    if (c !== activeChapter) {
      if (activeChapter >= 0) chapters[activeChapter].el.removeAttribute('aria-current');
      activeChapter = c;
      if (c >= 0) chapters[c].el.setAttribute('aria-current', 'true');
    }
    seekBar.value = String(t);
    seekBar.setAttribute('aria-valuetext', clock(t));
    timeText.textContent = clock(t) + ' / ' + clock(total);
  }

  function playing() { return !audio.paused && !audio.ended; }

  function showButton() {
    var on = playing() || (wantPlay && pending !== null);
    playButton.setAttribute('aria-label', on ? 'Pause' : 'Play');
    playIcon.setAttribute('d', on ? PAUSE : PLAY);
  }

  function start() {
    var p = audio.play();
    if (p && p.catch) {
      p.catch(function (err) {
      if (err && err.name === 'AbortError') return; // another track was loaded meanwhile
      wantPlay = false;
      showButton();
    });
    }
  }

  function load(i) {
    current = i;
    audio.src = tracks[i].src;
    audio.defaultPlaybackRate = rate;
    audio.playbackRate = rate;
    audio.load();
  }

  // Goes to program time t (ms); plays from there if play is true, else keeps the state.
  function seek(t, play, scroll) {
    if (!tracks.length) return;
    t = Math.max(0, Math.min(total, t));
    if (play !== undefined) wantPlay = play; else wantPlay = playing() || wantPlay;
    var i = Math.max(0, lastStarted(tracks, t));
    pending = t;
    if (i !== current) {
      load(i);
    } else if (audio.readyState >= 1) {
      applyPending();
    }
    show(t, scroll === undefined ? true : scroll);
    showButton();
  }

  function applyPending() {
    if (pending === null || current < 0) return;
    var offset = (pending - tracks[current].start) / 1000;
    pending = null;
    audio.currentTime = offset;
    if (wantPlay) start(); else audio.pause();
  }

  function tick() {
    if (pending === null) show(now(), true);
    if (playing()) window.requestAnimationFrame(tick);
  }

  audio.addEventListener('loadedmetadata', function () {
    status.textContent = '';
    applyPending();
  });
  audio.addEventListener('play', function () { wantPlay = true; showButton(); tick(); });
  audio.addEventListener('pause', function () { if (pending === null) wantPlay = false; showButton(); });
  audio.addEventListener('timeupdate', tick);
  audio.addEventListener('seeked', tick);
  audio.addEventListener('ended', function () {
    if (current + 1 < tracks.length) {
      seek(tracks[current + 1].start, true);
    } else {
      wantPlay = false;
      showButton();
    }
  });
  audio.addEventListener('error', function () {
    var name = current >= 0 ? tracks[current].src : '';
    status.textContent = 'Cannot play ' + name + ': keep this page beside the audio files.';
    wantPlay = false;
    pending = null;
    showButton();
  });

  function toggle() {
    if (playing() || (wantPlay && pending !== null)) {
      wantPlay = false;
      audio.pause();
      showButton();
    } else if (current < 0 || pending !== null) {
      seek(now(), true);
    } else {
      wantPlay = true;
      start();
    }
  }

  function step(by) {
    if (!sentences.length) return;
    var i = active < 0 ? (by > 0 ? 0 : -1) : active + by;
    i = Math.max(0, Math.min(sentences.length - 1, i));
    seek(sentences[i].start);
  }

  playButton.addEventListener('click', toggle);
  document.getElementById('prev').addEventListener('click', function () { step(-1); });
  document.getElementById('next').addEventListener('click', function () { step(1); });
  seekBar.addEventListener('input', function () { seek(Number(seekBar.value), undefined, false); });
  speed.addEventListener('change', function () {
    rate = Number(speed.value) || 1;
    audio.defaultPlaybackRate = rate;
    audio.playbackRate = rate;
  });

  document.getElementById('text').addEventListener('click', function (e) {
    var el = e.target.closest ? e.target.closest('.s') : null;
    if (!el) return;
    var selection = window.getSelection ? String(window.getSelection()) : '';
    if (selection) return; // selecting text, not jumping
    seek(ms(el, 'data-start'), true, false);
  });

  chapters.forEach(function (c) {
    c.el.addEventListener('click', function (e) {
      e.preventDefault();
      seek(c.start, undefined, false);
      var target = document.getElementById(c.el.getAttribute('href').slice(1));
      if (target) target.scrollIntoView({ block: 'start', behavior: reduced.matches ? 'auto' : 'smooth' });
    });
  });

  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
    var tag = e.target && e.target.tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
    if (e.key === ' ' || e.key === 'Spacebar') {
      if (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY') return; // they act on space
      e.preventDefault();
      toggle();
    } else if (e.key === 'ArrowRight') {
      e.preventDefault();
      step(1);
    } else if (e.key === 'ArrowLeft') {
      e.preventDefault();
      step(-1);
    }
  });

  if (window.matchMedia('(max-width: 50rem)').matches) {
    document.getElementById('chapter-box').open = false;
  }

  // #t=SECONDS or #sN (a sentence) opens the page at that moment.
  function fromHash() {
    var hash = decodeURIComponent(location.hash.slice(1));
    var t = /^t=(\d+(?:\.\d+)?)$/.exec(hash);
    if (t) return Math.round(Number(t[1]) * 1000);
    var el = /^s\d+$/.test(hash) ? document.getElementById(hash) : null;
    return el && el.classList.contains('s') ? ms(el, 'data-start') : null;
  }
  var first = fromHash();
  if (tracks.length) {
    if (first !== null) seek(first, false, 'instant'); else { load(0); show(0, false); }
  }
  showButton();

  // For scripts and tests: the program time in ms, and a way to go to one.
  window.readAlong = { now: now, seek: seek, sentence: function () { return active; } };
})();
