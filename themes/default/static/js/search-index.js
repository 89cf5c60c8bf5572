/* The search engine of the search page: reads the index itpm-site publishes in search/data/
   (see itpm_site/search_index.py for its files) and answers queries in the browser.

   ItpmSearch.open(metaURL, rootURL) gives an index with two methods:
   - search(query, filters): every record with all the query's words (each word also finds
     the words it begins, the last word however short, and, on an English site, its other
     forms; a word that finds nothing finds the words one or two typos away) that passes the
     filters ({facet: [values]}, values of a facet are alternatives), best first, records
     with the words side by side first among the best; "quoted phrases" must be there word
     after word. Or in title order without words. With it, for each filter value, how many
     records it would give with the query and the other filters, and, for each word, the
     words of the index it found.
   - record(id, terms, found): what a result shows (URL, title, badges, the sentence with
     most of the words found, marked, and the places on the page where they were found).

   Words are folded exactly as the indexer folds them, with the table of letters the index
   carries: keep fold(), number() and WORD in step with itpm_site/search_index.py. */
(function () {
  "use strict";

  var MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  // A number with grouped digits (and the letters after it: 1.65M), or letters and digits of
  // any script with apostrophes inside: Python's _WORD.
  var WORD = new RegExp("[0-9]+(?:[.,][0-9]+)+[\\p{L}\\p{N}]*|" +
    "[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?![0-9])|[\\p{L}\\p{N}]+(?:'[\\p{L}\\p{N}]+)*", "gu");
  // A product name written with hyphens, slashes or points (S/4HANA, ASP.NET, SD-WAN): the
  // index holds it joined (s4hana) as well as its parts. Not a number or a date.
  var COMPOUND = /[\p{L}\p{N}]+(?:[-/.][\p{L}\p{N}]+)+/gu;
  var FORMAT = 3;
  var MIN_PREFIX = 2;      // a one-letter word finds only itself, unless it is the last
  var CUT_BACK_KEEPS = 5;  // letters a word not in the index keeps when cut back
  var TYPO_MIN = 4;        // shorter words are never corrected
  var TYPO_LONG = 8;       // from this length, two edits are allowed instead of one
  var TYPO_SHARED = 2;     // first letters a correction must share with the word typed
  var EXCERPT_WORDS = 30;
  // Best records whose fragments are read to rank adjacent words: the results a reader looks
  // at first, and a bound on what a first query loads.
  var RERANK = 12;
  var ADJACENT_BOOST = 0.6;
  var PHRASE_CHECKS = 60;  // records with all of a phrase's words that are read to check it
  var PROGRAM_WEIGHT = 0.7;  // a program page lists its projects: they come before it
  var K1 = 1.2, B = 0.75;  // BM25
  // Field weights: a word in the title, in what the record is about (summary, tags, program,
  // category, and the words of its status, phase and state) or in the owner's name adds this
  // much to its BM25 term score (which is at most K1 + 1 = 2.2 however often a word is said).
  var TITLE_BONUS = 3, SUBJECT_BONUS = 1.5, OWNER_BONUS = 1;
  // Words side by side add at most this, once per query: less than one title match.
  var ADJACENT_BONUS = 1.5;
  var ENOUGH = 5;          // with fewer results, records missing one word are added below
  var WEAK_WEIGHT = 0.5;   // a beginning of a longer word when the word itself exists
  var SPELT_WEIGHT = 0.9;  // a Georgian word found in Latin letters (ბერიძე: beridze)

  // The index's words of filters, fillers and amounts (search_words.py): set by open().
  var vocabulary = { facets: {}, fillers: [], scales: {} };
  var FILLERS = new Set();

  // The index's table of letters NFKD leaves whole (ø, ß, ł ...) and of apostrophes: set by
  // open(), so a query is folded with the table its index was made with.
  var letters = {};
  var LETTER = null;
  var RUN = null;  // a word as written, before its marks are folded away

  function useLetters(table) {
    letters = table || {};
    var keys = Object.keys(letters).map(function (c) { return c.replace(/[\]\\^-]/g, "\\$&"); });
    LETTER = keys.length ? new RegExp("[" + keys.join("") + "]", "gu") : null;
    var apostrophes = "'" + Object.keys(letters).filter(function (c) {
      return letters[c] === "'";
    }).join("");
    RUN = new RegExp("[0-9]+(?:[.,][0-9]+)+[\\p{L}\\p{N}\\p{M}]*|[\\p{L}\\p{N}\\p{M}]+" +
      "(?:[" + apostrophes + "][\\p{L}\\p{N}\\p{M}]+)*", "gu");
  }
  useLetters({});

  // The index's Georgian letters in Latin, as slugs spell them (ბ: b, ძ: dz): set by open()
  // when the index holds Georgian words (meta.json "latin"), which it also holds in Latin. A
  // Georgian query word finds the word in Latin letters too: ბერიძე finds Beridze.
  var latin = {};
  var GEORGIAN = null;

  function useLatin(table) {
    latin = table || {};
    var keys = Object.keys(latin);
    GEORGIAN = keys.length ? new RegExp("[" + keys.join("") + "]", "gu") : null;
  }

  // A folded word with Georgian letters spelt in Latin (itpm_site/model/slugs.py,
  // georgian_in_latin); null when it has none.
  function inLatin(word) {
    if (!GEORGIAN || /^[\x00-\x7f]*$/.test(word)) { return null; }
    var out = word.replace(GEORGIAN, function (c) { return latin[c]; });
    return out === word ? null : out;
  }

  function fold(text) {
    var out = String(text).toLowerCase().normalize("NFKD").replace(MARKS, "");
    return LETTER ? out.replace(LETTER, function (c) { return letters[c]; }) : out;
  }

  // Python's _number: thousands separators dropped, a decimal comma made a point.
  function number(token) {
    var digits = /^[0-9.,]+/.exec(token)[0];
    var suffix = token.slice(digits.length);
    var groups = digits.split(/[.,]/);
    var separators = new Set(digits.replace(/[0-9]/g, ""));
    var thousands = separators.size === 1 && groups.slice(1).every(function (g) {
      return g.length === 3;
    });
    if (thousands) { return groups.join("") + suffix; }
    return groups.slice(0, -1).join("") + "." + groups[groups.length - 1] + suffix;
  }

  function token(found) {
    if (/^[0-9]/.test(found) && /[^\p{L}\p{N}]/u.test(found)) {
      found = found.replace(/[ \u00a0\u202f]/g, "");
      if (/[.,]/.test(found)) { return number(found); }
    }
    return found.replace(/'/g, "");
  }

  // An amount as the index writes it short: 2750000 is 2.75m, 750000 750k, 1.2e9 1.2bn
  // (format_amount's compact form, folded).
  function compact(value) {
    var steps = [[1e9, "bn"], [1e6, "m"], [1e3, "k"]];
    for (var i = 0; i < steps.length; i++) {
      if (value >= steps[i][0]) {
        return String(Math.round(value / steps[i][0] * 100) / 100) + steps[i][1];
      }
    }
    return String(value);
  }

  // The words of an amount made one: "2.75 million" and "2.75m" are 2.75m, "2750k" too.
  function amounts(list) {
    var scales = vocabulary.scales || {};
    var out = [];
    for (var i = 0; i < list.length; i++) {
      var w = list[i];
      var scaled = /^([0-9]+(?:\.[0-9]+)?)([a-z]+)$/.exec(w);
      if (/^[0-9]+(?:\.[0-9]+)?$/.test(w) && scales[list[i + 1]]) {
        out.push(compact(Number(w) * scales[list[i + 1]]));
        i++;
      } else if (scaled && scales[scaled[2]]) {
        out.push(compact(Number(scaled[1]) * scales[scaled[2]]));
      } else {
        out.push(w);
      }
    }
    return out;
  }

  // The whole number an amount stands for, when it is a short one (2.75m: 2750000).
  function fullAmount(term) {
    var scaled = /^([0-9]+(?:\.[0-9]+)?)(k|m|bn)$/.exec(term);
    if (!scaled) { return null; }
    return String(Math.round(Number(scaled[1]) * { k: 1e3, m: 1e6, bn: 1e9 }[scaled[2]]));
  }

  function words(text) {
    return (fold(text).match(WORD) || []).map(token);
  }

  // The forms a word as written is found by: itself and, with an apostrophe, its parts; a
  // Georgian word, in Latin letters too.
  function writtenForms(written) {
    var folded = fold(written).match(WORD) || [];
    var out = folded.map(token);
    folded.forEach(function (w) { if (w.indexOf("'") >= 0) { out = out.concat(w.split("'")); } });
    out.slice().forEach(function (w) {
      var spelt = inLatin(w);
      if (spelt) { out.push(spelt); }
    });
    return out;
  }

  function load(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
      return response.arrayBuffer();
    }).then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) {  // not already decoded by the server
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Response(stream).text();
      }
      return new TextDecoder().decode(bytes);
    }).then(JSON.parse);
  }

  function escapeHTML(text) {
    return text.replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c];
    });
  }

  // Whether `word` is found by `term`: as a beginning when `prefix`, else only itself.
  function finds(term, word, prefix) {
    return prefix ? word.lastIndexOf(term, 0) === 0 : word === term;
  }

  // Edits (a letter added, dropped, changed, or two swapped) from `a` to `b`, or more than
  // `limit` as soon as that is sure.
  function edits(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) { return limit + 1; }
    var before = null, previous = [], row = [];
    for (var j = 0; j <= b.length; j++) { previous.push(j); }
    for (var i = 1; i <= a.length; i++) {
      row = [i];
      var least = i;
      for (var k = 1; k <= b.length; k++) {
        var cost = a[i - 1] === b[k - 1] ? 0 : 1;
        var d = Math.min(previous[k] + 1, row[k - 1] + 1, previous[k - 1] + cost);
        if (before && i > 1 && k > 1 && a[i - 1] === b[k - 2] && a[i - 2] === b[k - 1]) {
          d = Math.min(d, before[k - 2] + 1);
        }
        row.push(d);
        least = Math.min(least, d);
      }
      if (least > limit) { return limit + 1; }
      before = previous;
      previous = row;
    }
    return previous[b.length];
  }

  // The words of a query, in order, and its quoted phrases (a quote left open while typing
  // counts as closed).
  // Product names written with hyphens, slashes or points outside quotes: each with its
  // joined form (s4hana) and its parts (s, 4hana). Dates and numbers are not.
  function compounds(piece) {
    var out = [];
    (fold(piece).match(COMPOUND) || []).forEach(function (written) {
      if (/^[0-9]+[-/.,][0-9]|^[0-9]+\./.test(written)) { return; }
      var parts = words(written);
      if (parts.length > 1) { out.push({ joined: parts.join(""), parts: parts }); }
    });
    return out;
  }

  function parse(query) {
    var sequence = [], phrases = [], joined = [];
    String(query || "").split(/["\u201c\u201d\u201e\u00ab\u00bb]/).forEach(function (piece, i) {
      var found = amounts(words(piece));
      sequence = sequence.concat(found);
      if (i % 2 === 1 && found.length > 1) { phrases.push(found); }
      if (i % 2 === 0) { joined = joined.concat(compounds(piece)); }
    });
    return { sequence: sequence, phrases: phrases, terms: Array.from(new Set(sequence)),
      compounds: joined };
  }

  // The phrases of the query that name a filter value ("at risk", "red", "on hold"), longest
  // first: [{at: first word, length, targets: [[facet, value], ...]}].
  function facetPhrases(sequence) {
    var table = vocabulary.facets || {};
    var out = [];
    // Each word as written, or as the word it is a form of (რისკის: of რისკის ქვეშ, or
    // the form of რისკი in მაღალი რისკის).
    var named = sequence.map(function (w) {
      var form = wordOf(w);
      return form === w ? [w] : [w, form];
    });
    var keys = function (at, n) {
      var out = [""];
      named.slice(at, at + n).forEach(function (ways) {
        var next = [];
        out.forEach(function (k) { ways.forEach(function (w) { next.push(k ? k + " " + w : w); }); });
        out = next;
      });
      return out;
    };
    for (var i = 0; i < sequence.length;) {
      var hit = null;
      for (var n = Math.min(4, sequence.length - i); n >= 1 && !hit; n--) {
        keys(i, n).forEach(function (key) {
          if (!hit && Object.prototype.hasOwnProperty.call(table, key)) {
            hit = { at: i, length: n, targets: table[key], text: n === 1 ? sequence[i] : key };
          }
        });
      }
      if (hit) { out.push(hit); i += hit.length; } else { i++; }
    }
    return out;
  }

  // The filter or filler word a query word is a form of, on a site whose language has no
  // stemmer (vocabulary.forms, search_words.py): a word that begins with another word's
  // shared beginning by at most FORM_LETTERS more letters is that word (დახურვის: დახურვა).
  // Else the word itself.
  var FORM_LETTERS = 4;
  function wordOf(word) {
    var forms = vocabulary.forms;
    if (!forms || FILLERS.has(word)) { return word; }
    for (var n = word.length; n >= 3 && n >= word.length - FORM_LETTERS; n--) {
      var stem = word.slice(0, n);
      if (Object.prototype.hasOwnProperty.call(forms, stem) && forms[stem] !== word) { return forms[stem]; }
    }
    return word;
  }

  function Index(base, root, meta, docs) {
    this.base = base;
    this.root = root;
    this.count = meta.count;
    this.average = meta.average_length || 1;
    this.chunks = meta.chunks;  // [[first word, file], ...] in word order
    this.stemmed = Boolean(meta.stemmed);
    this.length = docs.length;
    this.fragment = docs.fragment;
    this.facets = docs.facets;  // facet -> {values: [...], of: [value index per record]}
    this.loaded = {};           // file -> promise of its JSON
  }

  Index.prototype.file = function (name) {
    if (!this.loaded[name]) { this.loaded[name] = load(new URL(name, this.base).href); }
    return this.loaded[name];
  };

  // The chunks that may hold `term`, or the words it begins when `prefix`.
  Index.prototype.chunksFor = function (term, prefix) {
    var chunks = this.chunks;
    var lo = 0, hi = chunks.length - 1, first = 0;
    while (lo <= hi) {  // the last chunk whose first word is <= term
      var mid = (lo + hi) >> 1;
      if (chunks[mid][0] <= term) { first = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    var names = [];
    for (var i = first; i < chunks.length; i++) {
      if (i > first && !(prefix && finds(term, chunks[i][0], true))) { break; }
      names.push(chunks[i][1]);
    }
    return names;
  };

  // Every word of the index beginning with `term` (only `term` itself unless `prefix`), with
  // its postings and its stem ("" when a query cannot use it: the word is its own stem and no
  // other word has it).
  Index.prototype.begins = function (term, prefix) {
    if (prefix === undefined) { prefix = term.length >= MIN_PREFIX; }
    var self = this;
    return Promise.all(this.chunksFor(term, prefix).map(function (name) {
      return self.file(name);
    })).then(function (chunks) {
      var out = [];
      chunks.forEach(function (chunk) {
        var list = chunk.words;
        var lo = 0, hi = list.length;
        while (lo < hi) {  // the first word >= term
          var mid = (lo + hi) >> 1;
          if (list[mid] < term) { lo = mid + 1; } else { hi = mid; }
        }
        for (var w = lo; w < list.length && finds(term, list[w], prefix); w++) {
          out.push({ word: list[w], postings: chunk.postings[w],
            stem: (chunk.stems && chunk.stems[w]) || "" });
        }
      });
      return out;
    });
  };

  // The words a query word finds, each with a weight: the word itself (1); the words it begins
  // (less the longer they are), the last word of a query however short; and the other forms
  // of those words (0.9: migrate finds migration). When the word itself is in the index, the
  // words it merely begins are "weak": a record found only through them ranks below the
  // records with the word (red must not put Redesign before the red projects), and is not
  // marked where the word is. The browser cannot stem, so on a stemmed
  // (English) index a word the index does not have is cut back, by up to four letters, to a
  // stem the index has (delivered: deliv, the stem of delivers; company: compani, Snowball's
  // y made i) or, by up to three, to a word it has (vendors: vendor), keeping at least
  // CUT_BACK_KEEPS letters (planet must not become plan). Only that stem's or word's forms
  // are found then, at 0.9, not every word that begins like it (company must not find
  // commercial through 'com'). A word not in the index is also compared with the words that
  // are, for a typo: the closer of the two wins (servicenwo is a typo of servicenow, not a
  // form of service).
  Index.prototype.expand = function (term, last) {
    var self = this;
    var prefix = last || term.length >= MIN_PREFIX;
    var whole = fullAmount(term);
    var spelt = inLatin(term);
    return Promise.all([this.begins(term, prefix), whole ? this.begins(whole, false) : [],
      spelt ? this.begins(spelt, prefix) : []])
      .then(function (lists) {
        var found = lists[0].concat(lists[1]);
        // The Georgian word in Latin letters: the same word, another spelling.
        var have = new Set(found.map(function (f) { return f.word; }));
        lists[2].forEach(function (f) {
          if (!have.has(f.word)) { f.spelt = true; found.push(f); }
        });
        var exact = found.filter(function (f) {
          return f.word === term || f.word === whole || f.word === spelt;
        });
        found.forEach(function (f) {
          var itself = f.word === term || f.word === whole || f.word === spelt;
          var typed = f.spelt ? spelt : term;
          f.weight = itself ? 1 : 0.5 + 0.5 * typed.length / f.word.length;
          if (f.spelt) { f.weight *= SPELT_WEIGHT; }
          f.weak = !itself && exact.length > 0;
          f.begun = !itself;  // found as a beginning: not enough for a record missing a word
          if (f.weak) { f.weight *= WEAK_WEIGHT; }
        });
        if (found.length) {
          // The stems of the word typed, or of the words it begins if it is not a word itself
          // (migrate: migrated and migrates, stem migrat, so migration too).
          // A short beginning ('co', as one types) begins too many words to follow their forms.
          var close = exact.length ? exact : found.filter(function (f) {
            return term.length >= 4 && f.word.length <= term.length + 3;
          });
          var stems = new Set(close.map(function (f) { return f.stem; })
            .filter(function (stem) { return stem && stem.length >= 3; }));
          // A longer word that is another form of the word (laptops for laptop) is no
          // mere beginning.
          found.forEach(function (f) {
            if (exact.length && stems.has(f.stem) && f.word !== term) {
              f.weak = false;
              f.begun = false;
              f.weight = 0.9;
            }
          });
          return self.forms(Array.from(stems).slice(0, 8), found);
        }
        return Promise.all([self.cutBack(term), self.corrections(term)]).then(function (both) {
          var near = both[0], typos = both[1];
          if (!typos.length || !near.length) { return near.length ? near : typos; }
          var nearest = Math.min.apply(null, near.map(function (f) { return edits(term, f.word, 4); }));
          if (typos[0].edits < nearest) { return typos; }
          var have = new Set(near.map(function (f) { return f.word; }));
          typos.forEach(function (f) {
            if (!have.has(f.word)) { f.weak = true; near.push(f); }
          });
          return near;
        });
      });
  };

  Index.prototype.cutBack = function (term) {
    var self = this;
    if (!this.stemmed) { return Promise.resolve([]); }
    var shorter = function (length) {
      var yToI = term[length] === "y" ? term.slice(0, length) + "i" : null;
      var keeps = length + (yToI ? 1 : 0);  // happy: happi keeps five letters
      if (keeps < CUT_BACK_KEEPS || length < term.length - 4) { return []; }
      var part = term.slice(0, length);
      return self.begins(part).then(function (near) {
        var found = near.filter(function (f) {
          return f.stem && (f.stem === part || f.stem === yToI);
        });
        if (!found.length && length >= term.length - 3) {
          var word = near.filter(function (f) { return f.word === part; })[0];
          if (word) { return self.forms(word.stem ? [word.stem] : [], [word]); }
        }
        if (!found.length) { return shorter(length - 1); }
        return self.forms([found[0].stem], found);
      });
    };
    return Promise.resolve(shorter(term.length - 1)).then(function (found) {
      found.forEach(function (f) {
        f.weight = 0.9 * (f.weight === undefined ? 1 : f.weight);
        f.guess = true;
      });
      return found;
    });
  };

  // The words of the index within one edit of `term` (two for a long word) that begin with
  // the same letters, closest first: pasword finds password. Nonsense stays unfound, as no
  // word is that close to it.
  Index.prototype.corrections = function (term) {
    if (term.length < TYPO_MIN || /[0-9]/.test(term)) { return Promise.resolve([]); }
    var limit = term.length >= TYPO_LONG ? 2 : 1;
    return this.begins(term.slice(0, TYPO_SHARED), true).then(function (near) {
      var best = limit + 1;
      near.forEach(function (f) {
        f.edits = edits(term, f.word, limit);
        best = Math.min(best, f.edits);
      });
      return near.filter(function (f) { return f.edits === best && best <= limit; })
        .map(function (f) { f.weight = best === 1 ? 0.8 : 0.6; f.guess = true; return f; });
    });
  };

  // `found` and every other word with one of `stems`. A stem is a beginning of its words,
  // but for a last i that stands for y (polici: policy, policies).
  Index.prototype.forms = function (stems, found) {
    var self = this;
    var have = new Set(found.map(function (f) { return f.word; }));
    return Promise.all(stems.map(function (stem) {
      var prefix = /i$/.test(stem) ? stem.slice(0, -1) : stem;
      if (prefix.length < 3) { return []; }
      return self.begins(prefix, true).then(function (near) {
        return near.filter(function (f) { return f.stem === stem; });
      });
    })).then(function (lists) {
      lists.forEach(function (list) {
        list.forEach(function (f) {
          if (!have.has(f.word)) {
            have.add(f.word);
            f.weight = 0.9;
            found.push(f);
          }
        });
      });
      return found;
    });
  };

  // {scores: record number -> score of `term`, strong: the records with the word or one of its
  // forms (not only a longer word it begins, nor a typo beside a better reading), words: the
  // words it found, weak: those of them found only as such, titled: records with the word
  // itself in the title}. A record's score is its best word's, times how rare the term is
  // among records: a rare longer word (database, for data) must not outrank the word itself.
  // A record's score for a term takes each part at its best over the words the term found:
  // the frequency part from one word, the title bonus from another (Switch in the title,
  // switches in the summary). `sure`: the records with the word as written or one of its
  // forms, not a typo or a cut-back guess: only those may miss another word of the query.
  Index.prototype.scores = function (term, last) {
    var self = this;
    return this.expand(term, last).then(function (found) {
      var parts = new Map(), strong = new Set(), titled = new Set(), sure = new Set();
      var about = new Set();
      found.forEach(function (f) {
        self.score(f, parts, strong, f.word === term ? titled : null, sure, about);
      });
      var idf = Math.log(1 + (self.count - parts.size + 0.5) / (parts.size + 0.5));
      var scores = new Map();
      parts.forEach(function (p, doc) { scores.set(doc, (p[0] + p[1] + p[2] + p[3]) * idf); });
      return { scores: scores, strong: strong, titled: titled, sure: sure, about: about, idf: idf,
        words: found.map(function (f) { return f.word; }),
        weak: found.filter(function (f) { return f.weak; }).map(function (f) { return f.word; }) };
    });
  };

  Index.prototype.score = function (f, parts, strong, titled, sure, about) {
    var postings = f.postings, weight = f.weight;
    var doc = 0;
    for (var i = 0; i < postings.length; i += 2) {
      doc += postings[i];
      var code = postings[i + 1];
      var tf = code >> 3;
      var norm = 1 - B + B * this.length[doc] / this.average;
      var p = parts.get(doc);
      if (!p) { p = [0, 0, 0, 0]; parts.set(doc, p); }
      p[0] = Math.max(p[0], weight * tf * (K1 + 1) / (tf + K1 * norm));
      if (code & 4) { p[1] = Math.max(p[1], weight * TITLE_BONUS); }
      if (code & 2) { p[2] = Math.max(p[2], weight * SUBJECT_BONUS); }
      if (code & 1) { p[3] = Math.max(p[3], weight * OWNER_BONUS); }
      if (!f.weak) { strong.add(doc); }
      if (!f.weak && !f.guess && !f.begun) {
        sure.add(doc);
        if (code & 6) { about.add(doc); }
      }
      if (titled && code & 4) { titled.add(doc); }
    }
  };

  // The records with one of `targets` ([[facet, value], ...]): each scores as if the words
  // naming the value were one of its tags (a subject word found once).
  Index.prototype.facetScores = function (targets) {
    var facets = this.facets;
    var scores = new Map();
    var self = this;
    targets.forEach(function (target) {
      var facet = facets[target[0]];
      var value = facet ? facet.values.indexOf(target[1]) : -1;
      if (value < 0) { return; }
      for (var doc = 0; doc < self.count; doc++) {
        if (facet.of[doc] === value) {
          var norm = 1 - B + B * self.length[doc] / self.average;
          scores.set(doc, (K1 + 1) / (1 + K1 * norm) + SUBJECT_BONUS);
        }
      }
    });
    var idf = Math.log(1 + (this.count - scores.size + 0.5) / (scores.size + 0.5));
    scores.forEach(function (s, doc) { scores.set(doc, s * idf); });
    return scores;
  };

  // Filters as {facet: Set of value indexes}.
  Index.prototype.chosen = function (filters) {
    var out = {};
    var facets = this.facets;
    Object.keys(filters || {}).forEach(function (facet) {
      var values = filters[facet] || [];
      if (!values.length || !facets[facet]) { return; }
      // A value no record has (a shared link, a value since gone) is left out: with none of
      // the chosen values left, nothing passes, as nothing has them.
      var set = new Set();
      values.forEach(function (v) {
        var i = facets[facet].values.indexOf(v);
        if (i >= 0) { set.add(i); }
      });
      out[facet] = set;
    });
    return out;
  };

  // The terms of a query: [{text, word (what the index is asked for, null for a filter's
  // phrase), last, required, targets (the filter values it names)}]. A product name written
  // with hyphens, slashes or points is one term when the index has it joined (s4hana), else
  // its parts; a phrase naming a filter value ("at risk") is one term; fillers ("projects",
  // "in") are not required.
  Index.prototype.terms = function (parsed) {
    var self = this;
    var sequence = parsed.sequence;
    var lastWord = sequence[sequence.length - 1];
    return Promise.all(parsed.compounds.map(function (c) {
      var last = c.parts[c.parts.length - 1] === lastWord;
      return self.begins(c.joined, last).then(function (found) { return found.length ? c : null; });
    })).then(function (joined) {
      var words = sequence.slice();
      var lastTerm = lastWord;
      joined.forEach(function (c) {
        if (!c) { return; }
        words = words.filter(function (w) { return c.parts.indexOf(w) < 0; });
        words.push(c.joined);
        if (c.parts.indexOf(lastWord) >= 0) { lastTerm = c.joined; }
      });
      var terms = [];
      var byText = {};
      var add = function (text, word) {
        if (!byText[text]) {
          byText[text] = { text: text, word: word, last: word === lastTerm, required: true };
          terms.push(byText[text]);
        }
        return byText[text];
      };
      var inPhrase = new Set();
      facetPhrases(sequence).forEach(function (hit) {
        if (hit.length === 1 && words.indexOf(hit.text) >= 0) {
          add(hit.text, hit.text).targets = hit.targets;
        } else if (hit.length > 1) {
          add(hit.text, null).targets = hit.targets;
          sequence.slice(hit.at, hit.at + hit.length).forEach(function (w) { inPhrase.add(w); });
        }
      });
      words.forEach(function (w) { if (!inPhrase.has(w)) { add(w, w); } });
      var fillers = terms.filter(function (t) { return t.word && FILLERS.has(wordOf(t.word)); });
      if (fillers.length < terms.length) { fillers.forEach(function (t) { t.required = false; }); }
      return terms;
    });
  };

  // What the index answers for each term (see scores), a filter's phrase included.
  Index.prototype.lookup = function (term) {
    var self = this;
    var asked = term.word ? this.scores(term.word, term.last) : Promise.resolve(
      { scores: new Map(), strong: new Set(), titled: new Set(), sure: new Set(), about: new Set(),
        words: [], weak: [], idf: 0 });
    return asked.then(function (answer) {
      if (term.targets) {
        var byFacet = self.facetScores(term.targets);
        byFacet.forEach(function (s, doc) {
          if (!(answer.scores.get(doc) >= s)) { answer.scores.set(doc, s); }
          answer.strong.add(doc);
          answer.sure.add(doc);
          answer.about.add(doc);
        });
        answer.idf = Math.max(answer.idf,
          Math.log(1 + (self.count - answer.scores.size + 0.5) / (answer.scores.size + 0.5)));
      }
      term.answer = answer;
      return term;
    });
  };

  // The facets a query names by their own name ("monitoring phase", "status red"): the
  // facet's key, which is its English name, or its name in the site's language.
  function facetsNamed(terms) {
    var names = vocabulary.facet_names || {};
    var typed = new Set(terms.filter(function (t) { return t.word; }).map(function (t) {
      return wordOf(t.word);
    }));
    return new Set(Object.keys(names).filter(function (facet) {
      return typed.has(facet) || words(names[facet]).some(function (w) { return typed.has(w); });
    }));
  }

  // The filter values a query's words name, one group per phrase ([[facet, value], ...]: the
  // values of a group are alternatives, "completed" is the closure phase or the done state;
  // groups narrow each other), when the query is those words and a few others and none of the
  // records with the other words has the filter's word in its title (then it is meant as a
  // word: AML Transaction Monitoring is no phase), unless the query names the filter too
  // ("monitoring phase" is the phase, whatever the titles say). Facets the reader filters
  // already are left to the reader.
  function impliedFilters(terms, filters) {
    var named = terms.filter(function (t) { return t.targets; });
    var rest = terms.filter(function (t) { return !t.targets && t.required; });
    if (!named.length || rest.length > 3) { return null; }
    var explicit = facetsNamed(terms);
    var asWord = named.some(function (t) {
      if (t.targets.every(function (target) { return explicit.has(target[0]); })) { return false; }
      return Array.from(t.answer.titled).some(function (doc) {
        return rest.every(function (r) { return r.answer.scores.has(doc); });
      });
    });
    if (asWord) { return null; }
    var groups = named.map(function (t) {
      return t.targets.filter(function (target) {
        return !(filters && filters[target[0]] && filters[target[0]].length);
      });
    }).filter(function (group) { return group.length; });
    return groups.length ? groups : null;
  }

  // The records with one of the values of `group`.
  Index.prototype.facetDocs = function (group) {
    var docs = new Set();
    var facets = this.facets;
    var self = this;
    group.forEach(function (target) {
      var facet = facets[target[0]];
      var value = facet ? facet.values.indexOf(target[1]) : -1;
      if (value < 0) { return; }
      for (var doc = 0; doc < self.count; doc++) {
        if (facet.of[doc] === value) { docs.add(doc); }
      }
    });
    return docs;
  };

  // Every record with all the required terms, summed: {total, tier}. A record found for a
  // term only through a longer word the term begins is in tier 1, below the records with
  // every word (tier 0). With fewer than ENOUGH records, those missing one word come in tier
  // 2 ("missing: delays"), if they have each of their other words as written or in another
  // form (a typo or a beginning does not count), and, for two words, both words exist and the
  // record has the rarer one or the other in its title or subject: so nonsense still finds
  // nothing.
  function combine(required, optional) {
    if (!required.length) { return { total: null, tier: new Map(), missing: new Map() }; }
    var total = null;
    required.slice().sort(function (a, b) {
      return a.answer.scores.size - b.answer.scores.size;
    }).forEach(function (term, n) {
      var scores = term.answer.scores;
      if (n === 0) { total = new Map(scores); return; }
      total.forEach(function (sum, doc) {
        var s = scores.get(doc);
        if (s === undefined) { total.delete(doc); } else { total.set(doc, sum + s); }
      });
    });
    var tier = new Map(), missing = new Map();
    total.forEach(function (_, doc) {
      if (required.some(function (t) { return !t.answer.strong.has(doc); })) { tier.set(doc, 1); }
    });
    var found = required.filter(function (t) { return t.answer.scores.size; });
    // Two words of which one is in no record: too little to go on (blockchain strategy).
    var enough = required.length >= 3 || (required.length === 2 && found.length === 2);
    if (total.size < ENOUGH && enough) {
      var rarest = found.slice().sort(function (a, b) {
        return a.answer.scores.size - b.answer.scores.size;
      })[0];
      var seen = new Set();
      required.forEach(function (term) {
        term.answer.sure.forEach(function (doc) {
          if (total.has(doc) || seen.has(doc)) { return; }
          seen.add(doc);
          var lacks = required.filter(function (t) { return !t.answer.scores.has(doc); });
          if (lacks.length !== 1) { return; }
          // Of two words, the record must have the rarer one, or the other in its title or
          // what it is about (salesforce integration: Salesforce CPQ, missing integration).
          var other = required[0] === lacks[0] ? required[1] : required[0];
          if (required.length === 2 && lacks[0] === rarest && !other.answer.about.has(doc)) { return; }
          var sum = 0;
          for (var i = 0; i < required.length; i++) {
            var t = required[i];
            if (t === lacks[0]) { continue; }
            if (!t.answer.sure.has(doc)) { return; }
            sum += t.answer.scores.get(doc);
          }
          total.set(doc, sum);
          tier.set(doc, 2);
          missing.set(doc, [lacks[0].text]);
        });
      });
    }
    optional.forEach(function (term) {
      term.answer.scores.forEach(function (s, doc) {
        if (total.has(doc)) { total.set(doc, total.get(doc) + s); }
      });
    });
    return { total: total, tier: tier, missing: missing };
  }

  // Every record with all the query's words that passes the filters, best first; quoted
  // phrases must be there word after word, and records with the query's words side by side
  // rank higher. Words naming a filter value apply it (see impliedFilters) unless
  // `options.literal`. The answer: ids, counts per filter value, the terms and the words of
  // the index each found (`found`; `foundFor(id)`: those to mark in one record), `implied`
  // filters and, per record, the words it is `missing`.
  Index.prototype.search = function (query, filters, options) {
    var self = this;
    options = options || {};
    var parsed = parse(query);
    return this.terms(parsed).then(function (terms) {
      return Promise.all(terms.map(function (t) { return self.lookup(t); }));
    }).then(function (terms) {
      var implied = options.literal ? null : impliedFilters(terms, filters);
      var ranked = implied ? terms.filter(function (t) { return !t.targets; }) : terms;
      var required = ranked.filter(function (t) { return t.required; });
      var optional = ranked.filter(function (t) { return !t.required; });
      // Filter words alone ("red projects"): the records with the values, in title order.
      var listing = implied && !required.length;
      if (listing) { optional = []; }
      var combined = combine(required, optional);
      var total = combined.total;
      if (implied) {
        var allowed = null;
        implied.forEach(function (group) {
          var docs = self.facetDocs(group);
          allowed = allowed === null ? docs : new Set(Array.from(allowed).filter(function (d) {
            return docs.has(d);
          }));
        });
        if (listing) {
          total = new Map();
          allowed.forEach(function (doc) { total.set(doc, 0); });
        } else {
          total.forEach(function (_, doc) { if (!allowed.has(doc)) { total.delete(doc); } });
        }
      }
      self.weighProgramsDown(total, required);
      var shown = ranked.filter(function (t) { return t.word && !listing; });
      var termWords = shown.map(function (t) { return t.word; });
      var found = shown.map(function (t) { return t.answer.words; });
      var idf = required.reduce(function (m, t) { return Math.min(m, t.answer.idf || m); }, 1e9);
      var ask = { terms: termWords, found: found, sequence: parsed.sequence, tier: combined.tier,
        idf: idf === 1e9 ? 1 : idf };
      return self.keepPhrases(total, ask, parsed.phrases).then(function () {
        var answer = self.filtered(termWords, total, self.chosen(filters), combined.tier);
        if (implied && !answer.ids.length && required.length) {
          return self.search(query, filters, { literal: true });
        }
        // A listing is in title order: no words to find side by side.
        return self.rankAdjacent(answer.ids, listing ? null : total, ask).then(function () {
          answer.words = Array.from(new Set([].concat.apply([], found)));
          answer.found = found;
          answer.implied = implied;
          answer.vocabulary = vocabulary;
          answer.missing = combined.missing;
          answer.foundFor = function (doc) {
            return shown.map(function (t) {
              if (!t.answer.strong.has(doc) || !t.answer.weak.length) { return t.answer.words; }
              var weak = new Set(t.answer.weak);
              return t.answer.words.filter(function (w) { return !weak.has(w); });
            });
          };
          return answer;
        });
      });
    });
  };

  // Program pages weigh less: they list their projects' titles. Not one whose own title has
  // every word of a query of two words or more: "nordic operations" is after the program
  // itself, "data" after the data projects more than the Data and AI program.
  Index.prototype.weighProgramsDown = function (total, required) {
    var type = this.facets && this.facets.type;
    var program = type ? type.values.indexOf("program") : -1;
    if (program < 0 || total === null) { return; }
    total.forEach(function (score, doc) {
      var named = required.length > 1 && required.every(function (t) { return t.answer.titled.has(doc); });
      if (type.of[doc] === program && !named) { total.set(doc, score * PROGRAM_WEIGHT); }
    });
  };

  Index.prototype.fragmentOf = function (doc) {
    return this.file("d/" + this.fragment[doc] + ".sdat");
  };

  // Keeps in `total` the records with every phrase, word after word, among the best
  // PHRASE_CHECKS with all the words (their fragments are read to know): a bound on what a
  // phrase costs, at the price of a match further down the ranking.
  Index.prototype.keepPhrases = function (total, ask, phrases) {
    if (!phrases.length || total === null) { return Promise.resolve(); }
    var self = this;
    var best = Array.from(total.keys()).sort(function (a, b) {
      return total.get(b) - total.get(a) || a - b;
    });
    best.slice(PHRASE_CHECKS).forEach(function (doc) { total.delete(doc); });
    best = best.slice(0, PHRASE_CHECKS);
    return Promise.all(best.map(function (doc) {
      return self.fragmentOf(doc).then(function (fragment) {
        var runs = sequences(fragment);
        var all = phrases.every(function (phrase) {
          return runs.some(function (run) { return adjacent(run, phrase, ask) === phrase.length - 1; });
        });
        if (!all) { total.delete(doc); }
      });
    }));
  };

  // Raises the best RERANK of `ids` whose text has the query's words side by side, in order,
  // within their tier; these fragments are the ones the first page of results shows. The
  // bonus is at most ADJACENT_BONUS times the rarest word's weight: less than a title match.
  Index.prototype.rankAdjacent = function (ids, total, ask) {
    if (ask.sequence.length < 2 || total === null) { return Promise.resolve(); }
    var self = this;
    var top = ids.slice(0, RERANK);
    return Promise.all(top.map(function (doc) {
      return self.fragmentOf(doc).then(function (fragment) {
        var pairs = 0;
        sequences(fragment).forEach(function (run) {
          pairs = Math.max(pairs, adjacent(run, ask.sequence, ask));
        });
        return total.get(doc) + ADJACENT_BONUS * ask.idf * pairs / (ask.sequence.length - 1);
      });
    })).then(function (boosted) {
      var order = top.map(function (doc, i) {
        return { doc: doc, score: boosted[i], tier: ask.tier.get(doc) || 0 };
      });
      order.sort(function (a, b) { return a.tier - b.tier || b.score - a.score || a.doc - b.doc; });
      order.forEach(function (o, i) { ids[i] = o.doc; });
    });
  };

  // The runs of text of a fragment in which words are side by side: its title, then each
  // block's title and text. Each word is the list of forms it is found by.
  function sequences(fragment) {
    var runs = [fragment.title];
    fragment.blocks.forEach(function (block) { runs.push(block[1], block[2]); });
    if (fragment.facts) { runs.push(fragment.facts); }
    return runs.map(function (text) {
      return (String(text || "").match(RUN) || []).map(writtenForms);
    });
  }

  var sets = new WeakMap();
  function asSet(list) {
    if (!sets.has(list)) { sets.set(list, new Set(list)); }
    return sets.get(list);
  }

  // Whether a word (its forms) is found by the term `word` of the query.
  function foundBy(formsOf, word, ask) {
    var k = ask.terms.indexOf(word);
    var known = asSet(k >= 0 ? ask.found[k] : []);
    return formsOf.some(function (f) { return f === word || known.has(f); });
  }

  // The most pairs of consecutive query words (`sequence`) found side by side, in order, in
  // `run`: sequence.length - 1 when the whole sequence is there.
  function adjacent(run, sequence, ask) {
    var best = 0;
    for (var i = 0; i < run.length; i++) {
      for (var q = 0; q < sequence.length - 1; q++) {
        var n = 0;
        while (i + n + 1 < run.length && q + n + 1 < sequence.length &&
               foundBy(run[i + n], sequence[q + n], ask) &&
               foundBy(run[i + n + 1], sequence[q + n + 1], ask)) { n++; }
        best = Math.max(best, n);
      }
    }
    return best;
  }

  // The records passing every filter, and the counts per filter value: a record failing just
  // one filter is counted under that filter's values, which are alternatives to the chosen.
  Index.prototype.filtered = function (terms, total, chosen, tier) {
    var facets = this.facets;
    var names = Object.keys(facets);
    var active = names.filter(function (f) { return chosen[f]; });
    var counts = {};
    names.forEach(function (f) { counts[f] = new Array(facets[f].values.length).fill(0); });
    var ids = [];
    var count = function (doc) {
      var failed = null;
      for (var i = 0; i < active.length; i++) {
        if (!chosen[active[i]].has(facets[active[i]].of[doc])) {
          if (failed !== null) { return; }
          failed = active[i];
        }
      }
      var which = failed === null ? names : [failed];
      for (var j = 0; j < which.length; j++) {
        var v = facets[which[j]].of[doc];
        if (v >= 0) { counts[which[j]][v] += 1; }
      }
      if (failed === null) { ids.push(doc); }
    };
    if (total === null) {
      for (var doc = 0; doc < this.count; doc++) { count(doc); }
    } else {
      total.forEach(function (_, d) { count(d); });
      tier = tier || new Map();
      ids.sort(function (a, b) {
        return (tier.get(a) || 0) - (tier.get(b) || 0) || total.get(b) - total.get(a) || a - b;
      });
    }
    var named = {};
    names.forEach(function (f) {
      named[f] = {};
      facets[f].values.forEach(function (value, i) { named[f][value] = counts[f][i]; });
    });
    return { ids: ids, counts: named, terms: terms };
  };

  // For each word written in `text`: where it is, and which terms of the query find it.
  // `found`: for each term, the words of the index it found (or one list for all, or none:
  // then a word is found by a term it begins).
  function spansOf(text, terms, found) {
    var spans = [];
    var match;
    RUN.lastIndex = 0;
    while ((match = RUN.exec(text))) {
      var own = writtenForms(match[0]);
      var hits = [];
      terms.forEach(function (term, k) {
        var known = asSet(!found ? [] : (Array.isArray(found[k]) ? found[k] : found));
        if (own.some(function (w) {
          return w === term || known.has(w) || (!found && finds(term, w, true));
        })) { hits.push(k); }
      });
      spans.push({ start: match.index, end: match.index + match[0].length, hits: hits,
        forms: own });
    }
    markJoined(text, spans, terms, found);
    return spans;
  }

  // Words joined by a hyphen, slash or point (S/4HANA) found as one word: each part is marked.
  function markJoined(text, spans, terms, found) {
    for (var i = 0; i < spans.length; i++) {
      var j = i;
      while (j + 1 < spans.length && /^[-/.]$/.test(text.slice(spans[j].end, spans[j + 1].start))) { j++; }
      if (j === i) { continue; }
      var joined = spans.slice(i, j + 1).map(function (s) { return s.forms.join(""); }).join("");
      terms.forEach(function (term, k) {
        var known = asSet(!found ? [] : (Array.isArray(found[k]) ? found[k] : found));
        if (joined === term || known.has(joined)) {
          for (var n = i; n <= j; n++) {
            if (spans[n].hits.indexOf(k) < 0) { spans[n].hits.push(k); }
          }
        }
      });
      i = j;
    }
  }

  // The sentences of `text` as [first span, last span + 1]: a sentence ends where . ! ? or …
  // is followed by a space.
  function sentences(text, spans) {
    var out = [];
    var start = 0;
    for (var i = 0; i < spans.length; i++) {
      var gap = text.slice(spans[i].end, i + 1 < spans.length ? spans[i + 1].start : undefined);
      if (i + 1 === spans.length || /[.!?…](\s|$)/.test(gap)) {
        out.push([start, i + 1]);
        start = i + 1;
      }
    }
    return out;
  }

  function marked(text, spans, from, to) {
    var out = "";
    for (var k = from; k < to; k++) {
      var s = spans[k];
      var word = escapeHTML(text.slice(s.start, s.end));
      out += s.hits.length ? "<mark>" + word + "</mark>" : word;
      if (k + 1 < to) { out += escapeHTML(text.slice(s.end, spans[k + 1].start)); }
    }
    return out;
  }

  // `text` with the words found marked, as a result shows it: the sentence with most of the
  // query's words (the first on a tie), cut to EXCERPT_WORDS words around them if longer.
  function excerpt(text, terms, found) {
    text = String(text || "");
    var spans = spansOf(text, terms, found);
    if (!spans.length) { return { html: "", hits: 0, distinct: 0 }; }
    var hits = spans.filter(function (s) { return s.hits.length; }).length;
    var best = null, bestScore = -1, bestDistinct = 0;
    sentences(text, spans).forEach(function (range) {
      var distinct = new Set(), count = 0;
      for (var i = range[0]; i < range[1]; i++) {
        spans[i].hits.forEach(function (k) { distinct.add(k); });
        if (spans[i].hits.length) { count++; }
      }
      var score = distinct.size * 1000 + count;
      if (score > bestScore) { best = range; bestScore = score; bestDistinct = distinct.size; }
    });
    var from = best[0], to = best[1];
    if (to - from > EXCERPT_WORDS) {
      // The window of the sentence with most words found, from a few words before the first.
      var within = function (w) {
        var n = 0;
        for (var j = w; j < w + EXCERPT_WORDS; j++) { if (spans[j].hits.length) { n++; } }
        return n;
      };
      var start = from, most = -1;
      for (var w = from; w + EXCERPT_WORDS <= to; w++) {
        if (within(w) > most) { most = within(w); start = w; }
      }
      var first = start;
      while (first < start + EXCERPT_WORDS - 1 && !spans[first].hits.length) { first++; }
      var shifted = Math.min(Math.max(from, first - 3), to - EXCERPT_WORDS);
      if (shifted > start && within(shifted) === most) { start = shifted; }
      from = start;
      to = start + EXCERPT_WORDS;
    }
    var out = from > 0 ? "… " : escapeHTML(text.slice(0, spans[0].start));
    out += marked(text, spans, from, to);
    var tail = text.slice(spans[to - 1].end, to < spans.length ? spans[to].start : undefined);
    if (to < spans.length) {
      out += /^[.!?…]/.test(tail) ? escapeHTML(tail.charAt(0)) + " …" : " …";
    } else {
      out += escapeHTML(tail);
    }
    return { html: out, hits: hits, distinct: bestDistinct };
  }

  // `text` escaped, every word found marked (a title).
  function markAll(text, terms, found) {
    text = String(text || "");
    var spans = spansOf(text, terms, found);
    if (!spans.length) { return { html: escapeHTML(text), hits: 0 }; }
    var html = escapeHTML(text.slice(0, spans[0].start)) + marked(text, spans, 0, spans.length) +
      escapeHTML(text.slice(spans[spans.length - 1].end));
    return { html: html, hits: spans.filter(function (s) { return s.hits.length; }).length };
  }

  Index.prototype.record = function (id, terms, found) {
    var root = this.root;
    return this.fragmentOf(id).then(function (fragment) {
      var url = new URL(fragment.url.replace(/^\//, ""), root).pathname;
      var subs = [];
      var opening = null, best = null;
      fragment.blocks.forEach(function (block, order) {
        var anchor = block[0], title = block[1];
        var cut = excerpt(block[2], terms, found);
        var heading = markAll(title, terms, found);
        if (cut.hits && (!best || cut.distinct > best.distinct)) { best = cut; }
        if (anchor === null) {
          opening = cut;
          if (cut.hits) { subs.push({ url: url, title: fragment.title, excerpt: cut.html }); }
        } else if (cut.hits || heading.hits) {
          subs.push({ url: url + "#" + encodeURIComponent(anchor), title: title,
            title_html: heading.html, anchor: { id: anchor }, excerpt: cut.html,
            weight: cut.hits + 2 * heading.hits, order: order });
        }
      });
      subs.sort(function (a, b) {
        return ((b.weight || 0) - (a.weight || 0)) || ((a.order || 0) - (b.order || 0));
      });
      return {
        url: url,
        meta: Object.assign({ title: fragment.title }, fragment.meta),
        filters: { type: [fragment.type] },
        // The sentence in the page's own words with most of the query's words, from the
        // opening or a section (the opening on a tie); else the opening's first sentence.
        excerpt: best ? best.html : (fragment.blocks.length ?
          excerpt(fragment.blocks[0][2], [], []).html : ""),
        sub_results: subs
      };
    });
  };

  function open(metaURL, rootURL) {
    return fetch(metaURL, { cache: "no-cache" }).then(function (response) {
      if (!response.ok) { throw new Error(metaURL + ": HTTP " + response.status); }
      return response.json();
    }).then(function (meta) {
      if (meta.format !== FORMAT) { throw new Error("unknown search index format " + meta.format); }
      useLetters(meta.letters);
      useLatin(meta.latin);
      vocabulary = meta.vocabulary || { facets: {}, fillers: [], scales: {} };
      FILLERS = new Set(vocabulary.fillers || []);
      return load(new URL(meta.docs, metaURL).href).then(function (docs) {
        return new Index(metaURL, rootURL, meta, docs);
      });
    });
  }

  window.ItpmSearch = { open: open, fold: fold, words: words, excerpt: excerpt, Index: Index,
    useLetters: useLetters, useLatin: useLatin, inLatin: inLatin, edits: edits, parse: parse };
})();
